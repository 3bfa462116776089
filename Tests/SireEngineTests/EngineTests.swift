import Testing

/// Every engine suite nests here so they run one at a time: several assert timing relations
/// between real processes, which a machine busy with other suites' processes would blur.
@Suite(.serialized) enum EngineTests {}
