/// Bounds that keep a hostile YAML file from exhausting memory, time or the stack.
public struct YAMLLimits: Sendable, Hashable {
    /// The deepest nesting of sequences and mappings allowed, counting alias expansions.
    public var maxDepth: Int
    /// The most nodes a document may hold, counting every alias expansion in full.
    public var maxNodes: Int
    /// The most nodes aliases may add by expansion, so an alias bomb stops early.
    public var maxAliasNodes: Int

    /// Limits that fit any sensible workflow file up to 1 MiB.
    public init(maxDepth: Int = 128, maxNodes: Int = 1_000_000, maxAliasNodes: Int = 100_000) {
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
        self.maxAliasNodes = maxAliasNodes
    }
}
