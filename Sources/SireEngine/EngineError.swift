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
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
