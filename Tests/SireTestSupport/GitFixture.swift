import Foundation

/// A throwaway git repository made with the `git` command line in a unique temporary
/// directory, with a hermetic environment so ids and dates are the same on every machine.
public final class GitFixture {
    /// Why a `git` invocation failed: the command and what it printed.
    public struct CommandFailed: Error, CustomStringConvertible {
        public var arguments: [String]
        public var status: Int32
        public var standardError: String
        public var description: String {
            "git \(arguments.joined(separator: " ")) exited \(status): \(standardError)"
        }
    }

    /// The temporary directory holding everything this fixture made; removed in `deinit`.
    public let sandbox: String
    /// The repository's work tree root (or the repository itself when bare).
    public let root: String
    private var commitCount = 0

    /// Makes an empty repository on branch `main` (unborn until the first commit).
    public init(bare: Bool = false) async throws {
        let base = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("sire-git-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        // libgit2 reports canonical paths; resolve symlinks (e.g. macOS /tmp) so they compare.
        sandbox = base.resolvingSymlinksInPath().path
        root = sandbox + "/repo"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try await git(["init", "--quiet", "--initial-branch=main"] + (bare ? ["--bare"] : []))
    }

    deinit {
        try? FileManager.default.removeItem(atPath: sandbox)
    }

    /// Runs `git` in `directory` (default: the repository root), with `input` on its standard
    /// input, and returns its trimmed stdout.
    @discardableResult
    public func git(_ arguments: [String], in directory: String? = nil, input: String? = nil) async throws -> String {
        let result = try await ChildProcess.run(
            Self.gitPath, arguments, in: directory ?? root, environment: environment, input: input)
        guard result.status == 0 else {
            throw CommandFailed(
                arguments: arguments, status: result.status,
                standardError: result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs `git` with space-separated arguments (none of which may contain spaces).
    @discardableResult
    public func git(_ arguments: String) async throws -> String {
        try await git(arguments.split(separator: " ").map(String.init))
    }

    private static let gitPath = ChildProcess.which("git")

    /// Writes a file in the work tree, creating parent directories.
    public func write(_ path: String, _ content: String) throws {
        let url = URL(fileURLWithPath: root).appendingPathComponent(path)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(content.utf8).write(to: url)
    }

    /// Removes a file from the work tree.
    public func remove(_ path: String) throws {
        try FileManager.default.removeItem(atPath: root + "/" + path)
    }

    /// Stages everything and commits it; each commit is one minute after the previous one.
    @discardableResult
    public func commit(_ message: String) async throws -> String {
        commitCount += 1
        try await git(["add", "--all"])
        try await git(["commit", "--quiet", "--allow-empty", "-m", message])
        return try await git("rev-parse HEAD")
    }

    /// The fixed identity and clock for the next commit, and nothing from the caller's config.
    private var environment: [String: String] {
        let date = "\(Self.epoch + commitCount * 60) +0000"
        return [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": sandbox,
            "XDG_CONFIG_HOME": sandbox,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Ada Author",
            "GIT_AUTHOR_EMAIL": "ada@example.com",
            "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_NAME": "Cy Committer",
            "GIT_COMMITTER_EMAIL": "cy@example.com",
            "GIT_COMMITTER_DATE": date,
        ]
    }

    /// 2023-11-14T22:13:20Z: the author date of the first commit.
    public static let epoch = 1_700_000_000
}

extension GitFixture {
    /// The run record lines on `commit` in every run partition of the ledger
    /// (`refs/notes/sire/runs-*`), read with stock git as a user would; `gitDirectory` reads
    /// another repository (a bare remote), as does running in `directory`.
    public func runRecords(on commit: String, gitDirectory: String? = nil, in directory: String? = nil) async throws
        -> [String]
    {
        let prefix = gitDirectory.map { ["--git-dir", $0] } ?? []
        var lines: [String] = []
        for ref in try await ledgerPartitions(gitDirectory: gitDirectory, in: directory) {
            // A partition without a note on this commit makes `git notes show` fail: skip it.
            guard let note = try? await git(prefix + ["notes", "--ref=\(ref)", "show", commit], in: directory) else {
                continue
            }
            lines += note.split(separator: "\n").map(String.init)
        }
        return lines
    }

    /// The ledger's run partition refs (`refs/notes/sire/runs-<month>/<writer>.<n>`), sorted.
    public func ledgerPartitions(gitDirectory: String? = nil, in directory: String? = nil) async throws -> [String] {
        let prefix = gitDirectory.map { ["--git-dir", $0] } ?? []
        // for-each-ref's `*` stops at a slash; a partition is two levels below its prefix.
        let refs = try await git(
            prefix + ["for-each-ref", "--format=%(refname)", "refs/notes/sire/runs-*/*"], in: directory)
        return refs.split(separator: "\n").map(String.init)
    }
}
