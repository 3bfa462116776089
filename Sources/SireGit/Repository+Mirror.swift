import CLibGit2

extension Repository {
    /// Opens the bare mirror at `path`, creating it (with an `origin` remote for `url`) when
    /// there is none yet. A mirror whose `origin` points elsewhere is re-pointed at `url`.
    ///
    /// - Throws: ``GitError`` from `git_repository_init`, `git_remote_create` or
    ///   `git_remote_set_url`.
    public static func openOrInitMirror(at path: String, url: String) throws(GitError) -> Repository {
        LibGit2.ensureInitialized()
        if let existing = try? Repository(path: path) {
            try existing.setOrigin(url)
            return existing
        }
        var handle: OpaquePointer?
        try check("git_repository_init", subject: "mirror at \(path)") { git_repository_init(&handle, path, 1) }
        git_repository_free(handle)
        let repository = try Repository(path: path)
        try repository.setOrigin(url)
        return repository
    }

    /// The URL of the remote named `name`, if it exists.
    public func remoteURL(_ name: String) -> String? {
        var remote: OpaquePointer?
        guard git_remote_lookup(&remote, handle, name) == 0, let remote else { return nil }
        defer { git_remote_free(remote) }
        return git_remote_url(remote).map { String(cString: $0) }
    }

    private func setOrigin(_ url: String) throws(GitError) {
        if let current = remoteURL("origin") {
            if current == url { return }
            try check("git_remote_set_url", subject: "origin of \(gitDirectory)") {
                git_remote_set_url(handle, "origin", url)
            }
            return
        }
        var remote: OpaquePointer?
        try check("git_remote_create", subject: "origin of \(gitDirectory)") {
            git_remote_create(&remote, handle, "origin", url)
        }
        git_remote_free(remote)
    }
}

extension Repository {
    /// Points HEAD at `refs/heads/<branch>` (which need not exist yet).
    ///
    /// - Throws: ``GitError`` from `git_repository_set_head`.
    public func setHead(branch: String) throws(GitError) {
        try check("git_repository_set_head", subject: "HEAD of \(gitDirectory)") {
            git_repository_set_head(handle, "refs/heads/\(branch)")
        }
    }

    /// The local branch names, sorted.
    public func branchNames() throws(GitError) -> [String] {
        try referenceNames(matching: "refs/heads/*").map { String($0.dropFirst("refs/heads/".count)) }.sorted()
    }
}
