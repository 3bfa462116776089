/// An error of the engine itself (not of a step: failed steps are recorded results).
public struct EngineError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Hashable {
        /// The run named does not exist.
        case notFound
        /// Another process holds the run's lease.
        case owned
        /// The run's stored definition no longer parses (it did when the run started).
        case definition
        /// The run's checkout could not be made.
        case checkout
        /// The index failed.
        case store
    }

    public var code: Code
    /// What failed, without the cause.
    public var context: String
    /// The underlying error, as it was thrown.
    public var cause: (any Error)?

    /// `context`, then `: cause` when there is one.
    public var message: String {
        guard let cause else { return context }
        return context.isEmpty ? "\(cause)" : "\(context): \(cause)"
    }

    public init(_ code: Code, _ context: String, cause: (any Error)? = nil) {
        self.code = code
        self.context = context
        self.cause = cause
    }

    public var description: String { message }
}
