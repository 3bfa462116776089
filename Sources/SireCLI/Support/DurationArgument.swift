import ArgumentParser
import SireCore

/// A duration option such as `30s`, `1m30s` or `500ms` (DurationText's forms), parsed by
/// argument-parser: a value it cannot read is a usage error naming the option.
struct DurationArgument: ExpressibleByArgument, Sendable {
    var duration: Duration
    /// As given, for `--help`'s default.
    var text: String

    init?(argument: String) {
        guard let duration = try? DurationText.parse(argument) else { return nil }
        self.duration = duration
        self.text = argument
    }

    var defaultValueDescription: String { text }
}
