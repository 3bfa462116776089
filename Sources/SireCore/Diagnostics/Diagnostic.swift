/// How serious a diagnostic is. Errors make a workflow invalid; warnings do not.
public enum Severity: String, Sendable, Hashable, Codable, Comparable {
    case error
    case warning

    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        lhs == .error && rhs == .warning
    }
}

/// One problem found in a workflow or config file, with a stable rule id and an exact position.
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Stable identifier of the rule that fired, e.g. `yaml-syntax`, `unknown-key`.
    public var rule: String
    public var severity: Severity
    /// Repository-relative (or command-line) path of the file.
    public var path: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(
        rule: String, severity: Severity = .error, path: String, position: SourcePosition,
        message: String
    ) {
        self.rule = rule
        self.severity = severity
        self.path = path
        self.line = position.line
        self.column = position.column
        self.message = message
    }

    public var position: SourcePosition { SourcePosition(line: line, column: column) }

    /// `path:line:col: severity: message [rule]`
    public var description: String {
        "\(path):\(line):\(column): \(severity.rawValue): \(message) [\(rule)]"
    }

    /// Orders diagnostics by path, then position, then rule, then message, so output is stable.
    public static func ordered(_ lhs: Diagnostic, _ rhs: Diagnostic) -> Bool {
        (lhs.path, lhs.line, lhs.column, lhs.rule, lhs.message)
            < (rhs.path, rhs.line, rhs.column, rhs.rule, rhs.message)
    }
}
