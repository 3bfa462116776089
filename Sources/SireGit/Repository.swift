import CLibGit2

/// An open git repository: revisions, trees, blobs, diffs and history, read through libgit2.
///
/// Not `Sendable`: libgit2 handles must be used from one thread at a time, so confine a
/// `Repository` to one thread or actor and pass only its value types (``ObjectID``,
/// ``CommitInfo``, ``TreeFile``) across. Every call is synchronous and may block on disk, so
/// run it off the cooperative pool.
public final class Repository {
    /// The owned `git_repository *`, freed in `deinit`.
    let handle: OpaquePointer

    /// The `.git` directory (or the bare repository itself), without a trailing slash.
    public let gitDirectory: String

    /// The root of the work tree, without a trailing slash; `nil` for a bare repository.
    public let workDirectory: String?

    /// Opens the repository at exactly `path`: a work tree root, its `.git` directory, or a
    /// bare repository. Use ``discover(from:)`` to search parent directories.
    ///
    /// - Throws: ``GitError`` `notFound` when `path` is not a repository (`git_repository_open_ext`),
    ///   `unsafeOwner` when another user owns it.
    public convenience init(path: String) throws(GitError) {
        try self.init(opening: path, flags: GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, search: false)
    }

    /// Opens the repository containing `path`: any directory inside a work tree, a `.git`
    /// directory, or a bare repository, searching upwards like `git` does.
    ///
    /// - Throws: ``GitError`` `notFound` when no repository is found at or above `path`
    ///   (`git_repository_open_ext`).
    public static func discover(from path: String) throws(GitError) -> Repository {
        try Repository(opening: path, flags: 0, search: true)
    }

    private init(opening path: String, flags: UInt32, search: Bool) throws(GitError) {
        LibGit2.ensureInitialized()
        var handle: OpaquePointer?
        try check(
            "git_repository_open_ext",
            subject: search ? "git repository at or above \(path)" : "git repository at \(path)"
        ) { git_repository_open_ext(&handle, path, flags, nil) }
        guard let handle else {
            throw GitError(
                code: .other, subject: "git repository at \(path)",
                function: "git_repository_open_ext")
        }
        self.handle = handle
        gitDirectory = Self.withoutTrailingSlash(String(cString: git_repository_path(handle)))
        workDirectory = git_repository_workdir(handle).map {
            Self.withoutTrailingSlash(String(cString: $0))
        }
    }

    deinit {
        git_repository_free(handle)
    }

    /// Whether the repository has no work tree.
    public var isBare: Bool { git_repository_is_bare(handle) == 1 }

    /// Whether HEAD points at a branch that has no commits yet (a fresh `git init`).
    public var isHeadUnborn: Bool { git_repository_head_unborn(handle) == 1 }

    /// How the repository is named in error messages: the work tree, else the git directory.
    var displayPath: String { workDirectory ?? gitDirectory }

    private static func withoutTrailingSlash(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }
}

// Repository owns a libgit2 handle that must not be used from two threads at once.
@available(*, unavailable)
extension Repository: Sendable {}
