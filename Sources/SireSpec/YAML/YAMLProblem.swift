import SireCore

/// A problem found while composing a YAML document, with the exact place it applies to.
public struct YAMLProblem: Sendable, Hashable, CustomStringConvertible {
    /// Which rule fired.
    public var rule: YAMLRule
    /// A message a user can act on.
    public var message: String
    /// 1-based line and column.
    public var position: SourcePosition

    /// Creates a problem.
    public init(rule: YAMLRule, message: String, position: SourcePosition) {
        self.rule = rule
        self.message = message
        self.position = position
    }

    /// `line:col: message [rule]`
    public var description: String { "\(position): \(message) [\(rule.rawValue)]" }

    /// The problem as an error diagnostic for the file at `path`.
    public func diagnostic(path: String) -> Diagnostic {
        Diagnostic(
            rule: rule.rawValue, severity: .error, path: path, position: position, message: message)
    }
}
