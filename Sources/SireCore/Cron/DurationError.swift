/// Why a duration such as `1h30m` was rejected, with the exact span of the offending text.
///
/// `offset` and `length` count Unicode scalars, like ``CronError``.
public struct DurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, in words a user can act on.
    public var message: String
    /// 0-based Unicode-scalar offset into the text where the bad part starts.
    public var offset: Int
    /// Number of Unicode scalars the bad part spans; 0 when something is missing.
    public var length: Int

    /// Creates an error for the `length` scalars starting at `offset`.
    public init(message: String, offset: Int, length: Int) {
        self.message = message
        self.offset = offset
        self.length = length
    }

    /// `message (column N)`, with a 1-based column.
    public var description: String { "\(message) (column \(offset + 1))" }
}
