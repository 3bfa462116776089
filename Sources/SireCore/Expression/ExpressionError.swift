/// Why an expression or template could not be parsed, with the span of text at fault.
///
/// Offsets count Unicode scalars from the start of the text given to the parser (plus its
/// `baseOffset`), so a validator can turn them into a line and column of the workflow file.
public struct ExpressionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, e.g. `expected ')' to close '('`.
    public var message: String
    /// Offset, in Unicode scalars, of the first character at fault.
    public var offset: Int
    /// How many Unicode scalars are at fault (at least 1 except at the end of the text).
    public var length: Int

    /// Creates an error covering `length` scalars from `offset`.
    public init(message: String, offset: Int, length: Int) {
        self.message = message
        self.offset = offset
        self.length = length
    }

    /// Creates an error covering a range of scalar offsets.
    public init(message: String, range: Range<Int>) {
        self.init(message: message, offset: range.lowerBound, length: range.count)
    }

    /// `message (at offset N)`
    public var description: String { "\(message) (at offset \(offset))" }
}
