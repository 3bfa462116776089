import SireGit
import SireStore

extension PinnedCommit {
    /// The commit a run is pinned to, with the `git` template context it shows.
    package init(_ commit: CommitInfo, ref: String?) {
        self.init(
            sha: commit.id.description, tree: commit.tree.description, ref: ref, message: commit.message,
            author: "\(commit.author.name) <\(commit.author.email)>")
    }
}
