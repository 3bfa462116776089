import Foundation
import SireGit
import SireSpec

/// Where the controller reads the tracked branch from: a local repository, or a URL fetched
/// into a bare mirror in the state directory.
package final class GitSource: Sendable {
    /// What the user named: a path or a URL.
    package let location: String
    /// The git directory the controller reads (the mirror for a URL).
    package let gitDirectory: String
    /// The remote URL when the source is fetched.
    package let remoteURL: String?
    /// The branch whose head is the desired state.
    package let branch: String

    /// True for `file://`, `ssh://`, `https://`, `git@host:path` and similar locations.
    package static func isURL(_ location: String) -> Bool {
        if location.contains("://") { return true }
        // scp-like `user@host:path`, but not a local path that happens to contain a colon.
        if let colon = location.firstIndex(of: ":"), !location.hasPrefix("/"), !location.hasPrefix("."),
            location[..<colon].contains("@")
        {
            return true
        }
        return false
    }

    /// Opens a local repository; the tracked branch is `branch`, else `sire.yaml`'s `branch` at
    /// the default branch, else the default branch.
    package init(localPath: String, branch: String?) throws {
        let repository: Repository
        do {
            repository = try Repository.discover(from: localPath)
        } catch {
            throw ControllerError(.usage, "not a git repository: \(localPath) (\(error))")
        }
        location = localPath
        gitDirectory = repository.gitDirectory
        remoteURL = nil
        self.branch = branch ?? Self.trackedBranch(repository)
    }

    /// Opens (creating and fetching when needed) the bare mirror of `url` under `state`.
    package init(url: String, state: String, branch: String?) throws {
        let mirror = state + "/mirror.git"
        let repository: Repository
        do {
            try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
            repository = try Repository.openOrInitMirror(at: mirror, url: url)
            try repository.fetch(remote: "origin", refspecs: Self.mirrorRefspecs)
        } catch let error as GitError {
            throw ControllerError(.io, "cannot fetch \(url): \(error)")
        }
        location = url
        gitDirectory = repository.gitDirectory
        remoteURL = url
        // A new mirror's HEAD names libgit2's default branch, not the remote's: prefer main,
        // then master, then the only branch there is.
        if repository.headBranchName.map({ (try? repository.resolveCommit("refs/heads/\($0)")) == nil }) ?? true,
            let names = try? repository.branchNames(),
            let guess = ["main", "master"].first(where: names.contains) ?? (names.count == 1 ? names.first : nil)
        {
            try? repository.setHead(branch: guess)
        }
        self.branch = branch ?? Self.trackedBranch(repository)
        try? repository.setHead(branch: self.branch)
    }

    /// Branches and the ledger: the mirror holds exactly what the remote has, and the remote's
    /// notes are merged into ours by `sire-git notes sync`, not overwritten.
    static let mirrorRefspecs = ["+refs/heads/*:refs/heads/*"]

    /// Fetches from the remote (no-op for a local source).
    package func refresh() throws {
        guard remoteURL != nil else { return }
        do {
            try Repository(path: gitDirectory).fetch(remote: "origin", refspecs: Self.mirrorRefspecs)
        } catch {
            throw ControllerError(.io, "cannot fetch \(location): \(error)")
        }
    }

    /// The tracked branch's head; nil while the branch does not exist.
    package func head() throws -> ObjectID? {
        let repository = try Repository(path: gitDirectory)
        return try? repository.resolveCommit("refs/heads/\(branch)").id
    }

    private static func trackedBranch(_ repository: Repository) -> String {
        let fallback = repository.headBranchName ?? repository.defaultBranchName
        if let head = try? repository.resolveCommit("refs/heads/\(fallback)"),
            let configured = try? WorkflowSet.loadConfig(repository: repository, commit: head.id).0.branch
        {
            return configured
        }
        return fallback
    }
}
