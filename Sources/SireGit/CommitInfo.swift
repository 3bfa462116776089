/// A commit's metadata, copied out of libgit2.
public struct CommitInfo: Sendable, Hashable {
    /// The commit's id.
    public var id: ObjectID
    /// The id of the commit's root tree.
    public var tree: ObjectID
    /// Parent commit ids, first parent first; empty for a root commit.
    public var parents: [ObjectID]
    /// The first paragraph of the message, lines joined by spaces (`git log --oneline`).
    public var summary: String
    /// The full message, as stored (usually ending with a newline).
    public var message: String
    /// Who wrote the change.
    public var author: Signature
    /// Who committed it.
    public var committer: Signature

    /// Creates commit metadata.
    public init(
        id: ObjectID, tree: ObjectID, parents: [ObjectID], summary: String, message: String,
        author: Signature, committer: Signature
    ) {
        self.id = id
        self.tree = tree
        self.parents = parents
        self.summary = summary
        self.message = message
        self.author = author
        self.committer = committer
    }

    /// Whether the commit has more than one parent.
    public var isMerge: Bool { parents.count > 1 }
}
