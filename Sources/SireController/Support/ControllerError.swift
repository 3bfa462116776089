/// An error of the controller module: a code a caller can map to an exit status or HTTP status
/// at the edge, one line a user can act on, and the error underneath it (``cause``) with where
/// it was wrapped, for logs and for callers that need the original.
package struct ControllerError: Error, CustomStringConvertible, Sendable {
    package enum Code: String, Sendable {
        /// The user asked for something that cannot be (bad revision, bad option, unreadable file).
        case usage
        /// Definitions or inputs that do not validate.
        case invalid
        /// No such workflow, run or revision.
        case notFound
        /// The request contradicts the current state (e.g. a workflow without an HTTP trigger).
        case conflict
        /// The caller may not have this, whatever the state (e.g. a revision the controller never
        /// applied, asked for over the API).
        case forbidden
        /// What it needs is missing for now (the source repository or branch is gone).
        case unavailable
        /// Git, the index or the file system failed.
        case io
        /// Anything else: a bug.
        case `internal`
    }

    package var code: Code
    /// What failed, in the words of the code that threw (without the cause).
    package var context: String
    /// The underlying error, kept as it was thrown (a ``GitError``, a store error, …).
    package var cause: (any Error)?
    /// Where it was thrown: `Module/File.swift:line`.
    package var location: String

    /// `context`, then `: cause` when there is one: the one line a user reads.
    package var message: String {
        guard let cause else { return context }
        return context.isEmpty ? "\(cause)" : "\(context): \(cause)"
    }

    package init(
        _ code: Code, _ context: String = "", cause: (any Error)? = nil, fileID: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.context = context
        self.cause = cause
        self.location = "\(fileID):\(line)"
    }

    package var description: String { message }
}
