/// Why evaluating an expression failed: a type error, a division by zero, a bad function call.
///
/// The offset points at the sub-expression at fault, in the same scalar offsets as the parsed
/// node ranges, so a run's error can name the exact place in the workflow file.
public struct EvaluationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, e.g. `cannot add integer and object`.
    public var message: String
    /// Offset, in Unicode scalars, of the sub-expression at fault.
    public var offset: Int
    /// Length, in Unicode scalars, of the sub-expression at fault.
    public var length: Int

    /// Creates an error covering `length` scalars from `offset`.
    public init(message: String, offset: Int, length: Int = 0) {
        self.message = message
        self.offset = offset
        self.length = length
    }

    /// Creates an error covering a node's range.
    public init(message: String, range: Range<Int>) {
        self.init(message: message, offset: range.lowerBound, length: range.count)
    }

    /// `message (at offset N)`
    public var description: String { "\(message) (at offset \(offset))" }
}
