import CLibGit2

extension Repository {
    /// The object a reference points at (peeling symbolic references), or `nil` when the
    /// reference does not exist.
    ///
    /// - Throws: ``GitError`` `invalidSpec` for a malformed name, or what libgit2 reported
    ///   (`git_reference_name_to_id`).
    public func referenceTarget(_ name: String) throws(GitError) -> ObjectID? {
        var oid = git_oid()
        let result = try check(
            "git_reference_name_to_id", subject: "reference '\(name)'", repository: displayPath,
            allowing: GIT_ENOTFOUND
        ) { git_reference_name_to_id(&oid, handle, name) }
        return result == GIT_ENOTFOUND.rawValue ? nil : ObjectID(oid)
    }

    /// The names of the references matching a glob such as `refs/notes/sire/*`, sorted.
    ///
    /// - Throws: ``GitError`` when the references cannot be listed (`git_reference_iterator_glob_new`).
    public func referenceNames(matching glob: String) throws(GitError) -> [String] {
        var iterator: OpaquePointer?
        try check(
            "git_reference_iterator_glob_new", subject: "references '\(glob)'", repository: displayPath
        ) { git_reference_iterator_glob_new(&iterator, handle, glob) }
        defer { git_reference_iterator_free(iterator) }
        var names: [String] = []
        while true {
            var name: UnsafePointer<CChar>?
            let result = try check(
                "git_reference_next_name", subject: "references '\(glob)'", repository: displayPath,
                allowing: GIT_ITEROVER
            ) { git_reference_next_name(&name, iterator) }
            guard result != GIT_ITEROVER.rawValue, let name else { break }
            names.append(String(cString: name))
        }
        return names.sorted()
    }

    /// Moves (or creates) a direct reference by compare-and-swap: it must still point at
    /// `expected` (`nil`: it must not exist yet), checked under the reference's lock.
    ///
    /// - Throws: ``GitError`` `modified` or `exists` when another writer moved or created it
    ///   first, `locked` when its lock is held (`git_reference_create_matching`).
    public func updateReference(
        _ name: String, to new: ObjectID, expecting expected: ObjectID?, message: String
    ) throws(GitError) {
        var newOID = new.oid
        // A zero expected id means "must not exist", checked under the lock (unlike a plain
        // non-forced create, which checks before locking).
        var oldOID = (expected ?? .zero).oid
        var reference: OpaquePointer?
        try check(
            "git_reference_create_matching", subject: "reference '\(name)'", repository: displayPath
        ) {
            git_reference_create_matching(&reference, handle, name, &newOID, 1, &oldOID, message)
        }
        git_reference_free(reference)
    }

    /// Points a reference at `target` unconditionally, creating it if needed.
    ///
    /// - Throws: ``GitError`` for a malformed name or a held lock (`git_reference_create`).
    public func setReference(_ name: String, to target: ObjectID, message: String) throws(GitError) {
        var oid = target.oid
        var reference: OpaquePointer?
        try check("git_reference_create", subject: "reference '\(name)'", repository: displayPath) {
            git_reference_create(&reference, handle, name, &oid, 1, message)
        }
        git_reference_free(reference)
    }

    /// Deletes a reference; nothing happens when it does not exist.
    ///
    /// - Throws: ``GitError`` when it exists and cannot be removed (`git_reference_remove`).
    public func deleteReference(_ name: String) throws(GitError) {
        try check(
            "git_reference_remove", subject: "reference '\(name)'", repository: displayPath,
            allowing: GIT_ENOTFOUND
        ) { git_reference_remove(handle, name) }
    }

    /// A string from the repository's git configuration (repository, global and system
    /// files, as git reads them), or `nil` when it is not set.
    ///
    /// - Throws: ``GitError`` when the configuration cannot be read (`git_config_get_string_buf`).
    public func configString(_ key: String) throws(GitError) -> String? {
        var config: OpaquePointer?
        try check("git_repository_config_snapshot", subject: "git config", repository: displayPath) {
            git_repository_config_snapshot(&config, handle)
        }
        defer { git_config_free(config) }
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        let result = try check(
            "git_config_get_string_buf", subject: "git config '\(key)'", repository: displayPath,
            allowing: GIT_ENOTFOUND
        ) { git_config_get_string_buf(&buffer, config, key) }
        guard result != GIT_ENOTFOUND.rawValue, let pointer = buffer.ptr else { return nil }
        return String(cString: pointer)
    }
}
