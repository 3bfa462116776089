/// One file that differs between two commit trees.
public struct TreeChange: Sendable, Hashable {
    /// How the file changed.
    public enum Status: Sendable, Hashable {
        /// The file exists only in the new tree.
        case added
        /// The file's content or mode changed in place.
        case modified
        /// The file exists only in the old tree.
        case deleted
        /// The file moved, possibly with edits; `oldPath` and `newPath` differ.
        case renamed
        /// The entry changed kind, e.g. a regular file became a symlink.
        case typeChange
    }

    /// How the file changed.
    public var status: Status
    /// The path in the old tree; `nil` when added.
    public var oldPath: String?
    /// The path in the new tree; `nil` when deleted.
    public var newPath: String?
    /// The old content's id; `nil` when added.
    public var oldBlob: ObjectID?
    /// The new content's id; `nil` when deleted.
    public var newBlob: ObjectID?
    /// The old mode; `nil` when added.
    public var oldMode: FileMode?
    /// The new mode; `nil` when deleted.
    public var newMode: FileMode?

    /// Creates a change.
    public init(
        status: Status, oldPath: String?, newPath: String?, oldBlob: ObjectID?,
        newBlob: ObjectID?, oldMode: FileMode? = nil, newMode: FileMode? = nil
    ) {
        self.status = status
        self.oldPath = oldPath
        self.newPath = newPath
        self.oldBlob = oldBlob
        self.newBlob = newBlob
        self.oldMode = oldMode
        self.newMode = newMode
    }

    /// The path a user would name the change by: the new path, or the old one when deleted.
    public var path: String { newPath ?? oldPath ?? "" }
}
