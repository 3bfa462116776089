import CLibGit2

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Repository {
    /// Fetches `refspecs` from a remote, named (`origin`) or given by URL or path.
    ///
    /// Only the given refspecs are fetched (not the remote's configured ones), no tags are
    /// followed and `FETCH_HEAD` is left alone. A refspec starting with `+` may move its local
    /// destination non-fast-forward, as in git. `access` gives the credentials and the
    /// `known_hosts` an ssh server must be listed in.
    ///
    /// - Parameters:
    ///   - remote: a remote's name in the repository's config, else a URL or a path.
    ///   - refspecs: e.g. `+refs/notes/sire/*:refs/notes/sire-remote/origin/*`.
    /// - Throws: ``GitError`` `invalidSpec` for a malformed refspec, `notFound` when the remote
    ///   cannot be reached, `authentication` / `certificate` with the reason, or what libgit2
    ///   reported (`git_remote_lookup`, `git_remote_create_anonymous`, `git_remote_fetch`).
    public func fetch(remote: String, refspecs: [String], access: RemoteAccess = RemoteAccess()) throws(GitError) {
        let handle = try openRemote(remote)
        defer { git_remote_free(handle) }
        var options = git_fetch_options()
        try check("git_fetch_options_init", subject: "fetch from '\(remote)'") {
            git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION))
        }
        options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
        options.update_fetchhead = 0
        let session = RemoteSession(access: access, url: Self.url(of: handle) ?? remote)
        session.install(in: &options.callbacks)
        try withExtendedLifetime(session) { () throws(GitError) in
            try withStrings(refspecs) { (array: inout git_strarray) throws(GitError) in
                do throws(GitError) {
                    try check("git_remote_fetch", subject: "fetch from '\(remote)'", repository: displayPath) {
                        git_remote_fetch(handle, &array, &options, "fetch: \(remote)")
                    }
                } catch {
                    throw session.explain(error, operation: "fetch from \(session.url)")
                }
            }
        }
    }

    /// Pushes `refspecs` to a remote, named or given by URL or path, and checks that the
    /// remote accepted every reference.
    ///
    /// A refspec without `+` only fast-forwards: libgit2 refuses a non-fast-forward update
    /// before sending when it knows the remote's commit, and the remote may refuse it too —
    /// `git_remote_push` still returns 0 then, so each reference's status is read from the
    /// `push_update_reference` callback.
    ///
    /// - Throws: ``GitError`` `nonFastForward` when a reference was refused because the remote
    ///   has commits the pushed one does not contain (fetch and merge first), `authentication` /
    ///   `certificate` with the reason, `other` with the remote's reason for any other refusal,
    ///   or what libgit2 reported (`git_remote_push`).
    public func push(remote: String, refspecs: [String], access: RemoteAccess = RemoteAccess()) throws(GitError) {
        let handle = try openRemote(remote)
        defer { git_remote_free(handle) }
        var options = git_push_options()
        try check("git_push_options_init", subject: "push to '\(remote)'") {
            git_push_options_init(&options, UInt32(GIT_PUSH_OPTIONS_VERSION))
        }
        let session = RemoteSession(access: access, url: Self.url(of: handle) ?? remote)
        session.install(in: &options.callbacks)
        try withExtendedLifetime(session) { () throws(GitError) in
            try withStrings(refspecs) { (array: inout git_strarray) throws(GitError) in
                do throws(GitError) {
                    try check("git_remote_push", subject: "push to '\(remote)'", repository: displayPath) {
                        git_remote_push(handle, &array, &options)
                    }
                } catch {
                    // libgit2 checks fast-forwards itself when it has the remote's commit (finding
                    // no merge base when the histories are unrelated), and says "not present
                    // locally" when it does not: all of them mean fetch first.
                    let detail = error.libgit2Message ?? ""
                    if session.failure == nil,
                        error.code == .nonFastForward || detail.contains("not present locally")
                            || detail.contains("non-fastforwardable") || detail.contains("merge base")
                    {
                        var refused = error
                        refused.code = .nonFastForward
                        throw refused
                    }
                    throw session.explain(error, operation: "push to \(session.url)")
                }
            }
        }
        if let (name, reason) = session.refused.first {
            let nonFastForward = ["non-fast-forward", "fetch first", "rejected", "stale info"].contains {
                reason.contains($0)
            }
            throw GitError(
                code: nonFastForward ? .nonFastForward : .other, subject: "reference '\(name)'",
                repository: remote, function: "git_remote_push",
                message: "push of '\(name)' to '\(remote)' was refused by the remote: \(reason)")
        }
    }

    private static func url(of remote: OpaquePointer) -> String? {
        git_remote_url(remote).map { String(cString: $0) }
    }

    /// Looks a remote up by name, else treats `remote` as a URL or path; the caller frees it.
    private func openRemote(_ remote: String) throws(GitError) -> OpaquePointer {
        var handle: OpaquePointer?
        let result = try check(
            "git_remote_lookup", subject: "remote '\(remote)'", repository: displayPath, allowing: GIT_ENOTFOUND
        ) {
            // A URL is not a valid remote name: that is "no such remote", not a failure.
            let result = git_remote_lookup(&handle, self.handle, remote)
            return result == GIT_EINVALIDSPEC.rawValue ? GIT_ENOTFOUND.rawValue : result
        }
        if result == 0, let handle { return handle }
        guard remote.contains("/") || remote.contains(":") else {
            throw GitError(
                code: .notFound, subject: "remote '\(remote)'", repository: displayPath,
                function: "git_remote_lookup",
                message: "remote '\(remote)' not found in \(displayPath): name a configured remote, a URL or a path")
        }
        try check("git_remote_create_anonymous", subject: "remote '\(remote)'", repository: displayPath) {
            git_remote_create_anonymous(&handle, self.handle, remote)
        }
        return try unwrap(handle, "git_remote_create_anonymous", subject: "remote '\(remote)'")
    }

    /// Calls `body` with a `git_strarray` of `strings`, freed afterwards (we built it, so
    /// never `git_strarray_dispose`).
    private func withStrings(
        _ strings: [String], _ body: (inout git_strarray) throws(GitError) -> Void
    ) throws(GitError) {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        defer { for pointer in pointers { free(pointer) } }
        let count = pointers.count
        let result: Result<Void, GitError> = pointers.withUnsafeMutableBufferPointer { buffer in
            var array = git_strarray(strings: buffer.baseAddress, count: count)
            do throws(GitError) {
                try body(&array)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }
}
