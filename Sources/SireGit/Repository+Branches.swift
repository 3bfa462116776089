import CLibGit2

extension Repository {
    /// The branch HEAD points at (`main` for `refs/heads/main`), even when it has no commits
    /// yet; `nil` when HEAD is detached or unreadable.
    public var headBranchName: String? {
        symbolicTarget(of: "HEAD").flatMap { $0.strippingPrefix("refs/heads/") }
    }

    /// The branch a fresh clone would check out: `origin/HEAD`'s branch when the remote
    /// recorded one, else HEAD's branch, else `main`.
    public var defaultBranchName: String {
        if let remote = symbolicTarget(of: "refs/remotes/origin/HEAD")?
            .strippingPrefix("refs/remotes/origin/")
        {
            return remote
        }
        return headBranchName ?? "main"
    }

    /// The target name of a symbolic reference, without resolving it (so unborn targets work).
    private func symbolicTarget(of name: String) -> String? {
        var reference: OpaquePointer?
        guard git_reference_lookup(&reference, handle, name) == 0, let reference else {
            return nil
        }
        defer { git_reference_free(reference) }
        guard git_reference_type(reference) == GIT_REFERENCE_SYMBOLIC else { return nil }
        return git_reference_symbolic_target(reference).map { String(cString: $0) }
    }
}

extension String {
    fileprivate func strippingPrefix(_ prefix: String) -> String? {
        guard hasPrefix(prefix), count > prefix.count else { return nil }
        return String(dropFirst(prefix.count))
    }
}
