import CLibGit2

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension Repository {
    /// Resolves a revision to the commit it names: `HEAD`, `HEAD~2`, `main^`, branch and tag
    /// names (annotated tags are peeled), full or short SHAs, `main@{1}`, `:/message` and the
    /// rest of `git rev-parse`'s single-revision syntax.
    ///
    /// - Throws: ``GitError`` `notFound` when nothing matches (also `HEAD` on an unborn
    ///   branch), `ambiguous` when a short SHA matches several objects, `invalidSpec` when
    ///   the syntax is malformed or the revision names a tree or blob (`git_revparse_single`,
    ///   `git_object_peel`).
    public func resolveCommit(_ revision: String) throws(GitError) -> CommitInfo {
        let commit = try lookupCommit(revision: revision)
        defer { git_commit_free(commit) }
        return commitInfo(commit)
    }

    /// Reads the commit with the given id.
    ///
    /// - Throws: ``GitError`` `notFound` when there is no such commit (`git_commit_lookup`).
    public func commit(_ id: ObjectID) throws(GitError) -> CommitInfo {
        let commit = try lookupCommit(id)
        defer { git_commit_free(commit) }
        return commitInfo(commit)
    }

    /// Looks up a commit by id; the caller frees it with `git_commit_free`.
    func lookupCommit(_ id: ObjectID) throws(GitError) -> OpaquePointer {
        var oid = id.oid
        var commit: OpaquePointer?
        try check("git_commit_lookup", subject: "commit \(id)", repository: displayPath) {
            git_commit_lookup(&commit, handle, &oid)
        }
        return try unwrap(commit, "git_commit_lookup", subject: "commit \(id)")
    }

    /// Resolves a revision and peels it to a commit; the caller frees it with `git_commit_free`.
    func lookupCommit(revision: String) throws(GitError) -> OpaquePointer {
        let subject = "revision '\(revision)'"
        var object: OpaquePointer?
        try check("git_revparse_single", subject: subject, repository: displayPath) {
            git_revparse_single(&object, handle, revision)
        }
        let resolved = try unwrap(object, "git_revparse_single", subject: subject)
        defer { git_object_free(resolved) }
        var peeled: OpaquePointer?
        let result = git_object_peel(&peeled, resolved, GIT_OBJECT_COMMIT)
        if result < 0 {
            let kind = String(cString: git_object_type2string(git_object_type(resolved)))
            throw GitError(
                code: .invalidSpec, subject: subject, repository: displayPath,
                function: "git_object_peel", libgit2Code: result,
                message: "\(subject) names a \(kind), not a commit, in \(displayPath)")
        }
        return try unwrap(peeled, "git_object_peel", subject: subject)
    }

    /// Turns a NULL out-parameter after a successful call into an error instead of a crash.
    func unwrap(
        _ pointer: OpaquePointer?, _ function: String, subject: @autoclosure () -> String
    ) throws(GitError) -> OpaquePointer {
        guard let pointer else {
            throw GitError(
                code: .other, subject: subject(), repository: displayPath, function: function,
                message: "\(function) returned no object for \(subject()) in \(displayPath)")
        }
        return pointer
    }

    /// Copies a commit's metadata out of libgit2.
    func commitInfo(_ commit: OpaquePointer) -> CommitInfo {
        let parents = (0..<git_commit_parentcount(commit)).compactMap { index in
            git_commit_parent_id(commit, index).map(ObjectID.init)
        }
        return CommitInfo(
            id: ObjectID(git_commit_id(commit)),
            tree: ObjectID(git_commit_tree_id(commit)),
            parents: parents,
            summary: git_commit_summary(commit).map { String(cString: $0) } ?? "",
            message: git_commit_message(commit).map { String(cString: $0) } ?? "",
            author: Signature(git_commit_author(commit)),
            committer: Signature(git_commit_committer(commit)))
    }
}

extension Signature {
    /// Copies a libgit2 signature; an absent one becomes an empty signature at the epoch.
    init(_ signature: UnsafePointer<git_signature>?) {
        guard let signature = signature?.pointee else {
            self.init(name: "", email: "", date: Date(timeIntervalSince1970: 0))
            return
        }
        self.init(
            name: signature.name.map { String(cString: $0) } ?? "",
            email: signature.email.map { String(cString: $0) } ?? "",
            date: Date(timeIntervalSince1970: TimeInterval(signature.when.time)),
            timeZoneOffsetMinutes: Int(signature.when.offset))
    }
}
