import Foundation
import SireGit
import SireSpec
import Synchronization

/// Where the controller reads the tracked branch from: a local repository, or a URL fetched
/// into a bare mirror in the state directory.
package final class GitSource: Sendable {
    /// What the user named: a path or a URL.
    package let location: String
    /// The git directory the controller reads (the mirror for a URL).
    package let gitDirectory: String
    /// The remote URL when the source is fetched.
    package let remoteURL: String?
    /// The branch whose head is the desired state. For a URL source that could not be fetched
    /// yet it is a guess (`main`) until the first fetch that works.
    package var branch: String { resolvedBranch.withLock { $0 } ?? "main" }
    /// The branch the user named, or the one found after the first fetch that worked.
    private let resolvedBranch: Mutex<String?>
    /// Credentials and host verification for the remote.
    package let access: RemoteAccess

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
            throw ControllerError(.usage, "not a git repository: \(localPath)", cause: error)
        }
        location = localPath
        initialFetchFailed = Mutex(false)
        gitDirectory = repository.gitDirectory
        remoteURL = nil
        access = RemoteAccess()
        resolvedBranch = Mutex(branch ?? Self.trackedBranch(repository))
    }

    /// Opens (creating when needed) the bare mirror of `url` under `state` and fetches it. A
    /// failed fetch (a remote that is down, refused credentials) is not fatal: the controller
    /// starts, reports it, and fetches again every interval.
    /// - Throws: ``ControllerError`` when the mirror cannot be created.
    package init(url: String, state: String, branch: String?, access: RemoteAccess = RemoteAccess()) throws {
        let mirror = state + "/mirror.git"
        let repository: Repository
        do {
            try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
            repository = try Repository.openOrInitMirror(at: mirror, url: url)
        } catch {
            throw ControllerError(.io, "cannot create the mirror of \(url) in \(mirror)", cause: error)
        }
        self.access = access
        location = url
        gitDirectory = repository.gitDirectory
        remoteURL = url
        resolvedBranch = Mutex(branch)
        initialFetchFailed = Mutex(false)
        // The mirror's HEAD names the tracked branch (what `status` and `log` show by default).
        if let branch { try? repository.setHead(branch: branch) }
        do {
            try refresh()
        } catch {
            initialFetchFailed.withLock { $0 = true }
        }
    }

    /// The fetch made when the controller started failed (it fetches again at the first
    /// reconcile, which reports why).
    package var startupFetchFailed: Bool { initialFetchFailed.withLock { $0 } }
    private let initialFetchFailed: Mutex<Bool>

    /// After a fetch, settles the tracked branch if the user named none: the mirror's HEAD names
    /// libgit2's default branch, not the remote's, so prefer main, then master, then the only
    /// branch there is, then `sire.yaml`'s `branch` there.
    private func settleBranch(_ repository: Repository) {
        guard resolvedBranch.withLock({ $0 }) == nil else { return }
        if repository.headBranchName.map({ (try? repository.resolveCommit("refs/heads/\($0)")) == nil }) ?? true,
            let names = try? repository.branchNames(),
            let guess = ["main", "master"].first(where: names.contains) ?? (names.count == 1 ? names.first : nil)
        {
            try? repository.setHead(branch: guess)
        }
        guard (try? repository.branchNames())?.isEmpty == false else { return }
        let branch = Self.trackedBranch(repository)
        resolvedBranch.withLock { $0 = branch }
        try? repository.setHead(branch: branch)
    }

    /// Branches and the ledger: the mirror holds exactly what the remote has, and the remote's
    /// notes are merged into ours by `sire-git notes sync`, not overwritten.
    static let mirrorRefspecs = ["+refs/heads/*:refs/heads/*"]

    /// Fetches from the remote (no-op for a local source).
    package func refresh() throws {
        guard remoteURL != nil else { return }
        let repository: Repository
        do {
            repository = try Repository(path: gitDirectory)
            try repository.fetch(remote: "origin", refspecs: Self.mirrorRefspecs, access: access)
        } catch {
            throw ControllerError(.io, "cannot fetch \(location)", cause: error)
        }
        initialFetchFailed.withLock { $0 = false }
        settleBranch(repository)
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
