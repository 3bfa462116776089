import CLibGit2

/// A failed libgit2 operation, with what it was about and where.
///
/// `description` is one line a user can act on, such as
/// `revision 'nosuch' not found in /path/to/repo`.
public struct GitError: Error, Sendable, CustomStringConvertible {
    /// The failures callers branch on; everything else is `other`.
    public enum Code: Sendable, Hashable {
        /// The object, reference, path or repository does not exist (`GIT_ENOTFOUND`).
        case notFound
        /// A short SHA or name matches more than one object (`GIT_EAMBIGUOUS`).
        case ambiguous
        /// The revision, reference name or path is malformed or names the wrong kind of
        /// object (`GIT_EINVALIDSPEC`, `GIT_EPEEL`).
        case invalidSpec
        /// The thing to be created already exists (`GIT_EEXISTS`).
        case exists
        /// A concurrent change prevented the operation (`GIT_ECONFLICT`).
        case conflict
        /// A reference no longer has the expected value: a lost compare-and-swap (`GIT_EMODIFIED`).
        case modified
        /// A lock file is held by someone else (`GIT_ELOCKED`).
        case locked
        /// The update is not a fast-forward (`GIT_ENONFASTFORWARD`).
        case nonFastForward
        /// HEAD points at a branch with no commits yet (`GIT_EUNBORNBRANCH`).
        case unbornBranch
        /// The repository is owned by another user and not listed in `safe.directory` (`GIT_EOWNER`).
        case unsafeOwner
        /// A tree holds an entry no checkout may write (`..`, `.git`, a name with `/`, a
        /// duplicate): the rules `git fsck` applies to tree entries.
        case unsafePath
        /// The remote refused the credentials, or asked for ones sire-git does not have
        /// (`GIT_EAUTH`).
        case authentication
        /// The remote's identity could not be verified: an SSH host key not in `known_hosts`
        /// (or changed), or an untrusted TLS certificate (`GIT_ECERTIFICATE`).
        case certificate
        /// Any other libgit2 failure; see `libgit2Code` and `libgit2Message`.
        case other
    }

    /// What went wrong, for callers that branch on it.
    public var code: Code
    /// One human line: what, the failure, where, and libgit2's detail when it helps.
    public var message: String
    /// What the operation was about, e.g. `revision 'main~3'` or `path 'a/b'`.
    public var subject: String
    /// The repository the operation ran in, when there was one.
    public var repository: String?
    /// The libgit2 function that failed, or the Swift check that refused.
    public var function: String
    /// libgit2's return code (negative), or 0 when the failure was detected in Swift.
    public var libgit2Code: Int32
    /// libgit2's error class (`git_error_t`), or 0 when none was reported.
    public var libgit2Class: Int32
    /// libgit2's own message, when it set one.
    public var libgit2Message: String?

    /// Creates an error, composing `message` from the parts unless one is given.
    public init(
        code: Code,
        subject: String,
        repository: String? = nil,
        function: String,
        libgit2Code: Int32 = 0,
        libgit2Class: Int32 = 0,
        libgit2Message: String? = nil,
        message: String? = nil
    ) {
        self.code = code
        self.subject = subject
        self.repository = repository
        self.function = function
        self.libgit2Code = libgit2Code
        self.libgit2Class = libgit2Class
        self.libgit2Message = libgit2Message
        self.message =
            message
            ?? Self.compose(
                code: code, subject: subject, repository: repository, detail: libgit2Message)
    }

    /// The one-line message.
    public var description: String { message }

    /// libgit2's "revspec 'x' not found" adds nothing to ours; "config value … was not
    /// found" or "parent 0 does not exist" does.
    private static func repeatsNotFound(_ detail: String) -> Bool {
        detail.hasPrefix("revspec '") && detail.hasSuffix("' not found")
            || detail.hasPrefix("could not find repository")
            || detail.hasPrefix("failed to resolve path")
    }

    private static func compose(
        code: Code, subject: String, repository: String?, detail: String?
    ) -> String {
        var line = "\(subject) \(code.phrase)"
        if let repository { line += " in \(repository)" }
        if let hint = code.hint {
            line += ": \(hint)"
        } else if let detail, !detail.isEmpty, !repeatsNotFound(detail) {
            line += ": \(detail)"
        }
        return line
    }
}

extension GitError.Code {
    /// Maps a negative libgit2 return code to the cases callers care about.
    init(libgit2Code: Int32) {
        switch libgit2Code {
        case GIT_ENOTFOUND.rawValue: self = .notFound
        case GIT_EAMBIGUOUS.rawValue: self = .ambiguous
        case GIT_EINVALIDSPEC.rawValue, GIT_EPEEL.rawValue: self = .invalidSpec
        case GIT_EEXISTS.rawValue: self = .exists
        case GIT_ECONFLICT.rawValue: self = .conflict
        case GIT_EMODIFIED.rawValue: self = .modified
        case GIT_ELOCKED.rawValue: self = .locked
        case GIT_ENONFASTFORWARD.rawValue: self = .nonFastForward
        case GIT_EUNBORNBRANCH.rawValue: self = .unbornBranch
        case GIT_EOWNER.rawValue: self = .unsafeOwner
        case GIT_EAUTH.rawValue: self = .authentication
        case GIT_ECERTIFICATE.rawValue: self = .certificate
        default: self = .other
        }
    }

    fileprivate var phrase: String {
        switch self {
        case .notFound: "not found"
        case .ambiguous: "is ambiguous"
        case .invalidSpec: "is not valid"
        case .exists: "already exists"
        case .conflict: "conflicts with a concurrent change"
        case .modified: "was changed concurrently"
        case .locked: "is locked by another process"
        case .nonFastForward: "is not a fast-forward"
        case .unbornBranch: "has no commits yet"
        case .unsafeOwner: "is owned by another user"
        case .unsafePath: "cannot be written safely"
        case .authentication: "was refused: authentication failed"
        case .certificate: "could not be verified"
        case .other: "failed"
        }
    }

    /// What the user can do about it, where libgit2's own text would not say.
    fileprivate var hint: String? {
        switch self {
        case .ambiguous:
            "use more characters of the SHA, or a full ref name such as refs/heads/NAME"
        case .unsafeOwner: "if you trust it, add it to git's safe.directory"
        default: nil
        }
    }
}
