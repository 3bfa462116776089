/// Why a piece of text (a cron expression, a duration, an expression or template, a tool URI)
/// was rejected, with the exact span at fault.
///
/// `offset` and `length` count Unicode scalars (as YAML columns do) from the start of the text
/// given to the parser, so a validator can turn them into a line and column of the file.
public struct SyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, in words a user can act on.
    public var message: String
    /// 0-based Unicode-scalar offset of the first character at fault.
    public var offset: Int
    /// Number of Unicode scalars at fault; 0 when something is missing.
    public var length: Int

    /// Creates an error covering `length` scalars from `offset`.
    public init(message: String, offset: Int = 0, length: Int = 0) {
        self.message = message
        self.offset = offset
        self.length = length
    }

    /// Creates an error covering a range of scalar offsets.
    public init(message: String, range: Range<Int>) {
        self.init(message: message, offset: range.lowerBound, length: range.count)
    }

    /// `message (column N)`, with a 1-based column.
    public var description: String { "\(message) (column \(offset + 1))" }
}

/// A cron expression was rejected.
public typealias CronError = SyntaxError
/// A duration such as `1h30m` was rejected.
public typealias DurationError = SyntaxError
/// An expression or template could not be parsed.
public typealias ExpressionError = SyntaxError
/// A tool URI could not be parsed.
public typealias ToolReferenceError = SyntaxError
