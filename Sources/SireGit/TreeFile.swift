/// A file recorded in a commit's tree.
public struct TreeFile: Sendable, Hashable {
    /// The path from the repository root, `/`-separated, e.g. `workflows/build.yaml`.
    public var path: String
    /// The id of the file's content; equal contents have equal ids.
    public var blob: ObjectID
    /// Regular, executable or symlink.
    public var mode: FileMode

    /// Creates a tree file.
    public init(path: String, blob: ObjectID, mode: FileMode) {
        self.path = path
        self.blob = blob
        self.mode = mode
    }
}
