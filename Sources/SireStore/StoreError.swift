/// An error of the SQLite index: opening, migrating, reading or writing it.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Hashable {
        /// The database could not be opened or created.
        case open
        /// A write failed (disk full, I/O error, constraint): nothing of it was committed.
        case write
        case read
        /// A record the caller named does not exist.
        case notFound
        /// Stored data could not be decoded (corruption or a newer schema).
        case corrupt
    }

    public var code: Code
    public var message: String
    public var cause: (any Error)?

    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        guard let cause else { return message }
        return "\(message): \(cause)"
    }
}
