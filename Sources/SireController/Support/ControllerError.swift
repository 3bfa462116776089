/// An error of the controller module: a code a caller can map to an exit status or HTTP status
/// at the edge, and one line a user can act on.
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
    package var message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { message }
}
