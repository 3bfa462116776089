import CLibGit2

extension Repository {
    /// A commit's signature (the `gpgsig` header: SSH or OpenPGP armour) and the bytes it signs;
    /// nil when the commit is not signed.
    ///
    /// - Throws: ``GitError`` from `git_commit_extract_signature` (other than "not signed").
    public func commitSignature(_ id: ObjectID) throws(GitError) -> (signature: [UInt8], signedData: [UInt8])? {
        var signature = git_buf()
        var signed = git_buf()
        defer {
            git_buf_dispose(&signature)
            git_buf_dispose(&signed)
        }
        var oid = id.oid
        let result = try check(
            "git_commit_extract_signature", subject: "signature of \(id.short)", repository: displayPath,
            allowing: GIT_ENOTFOUND
        ) { git_commit_extract_signature(&signature, &signed, handle, &oid, nil) }
        if result == GIT_ENOTFOUND.rawValue { return nil }
        func bytes(_ buffer: git_buf) -> [UInt8] {
            guard let pointer = buffer.ptr else { return [] }
            return pointer.withMemoryRebound(to: UInt8.self, capacity: buffer.size) {
                Array(UnsafeBufferPointer(start: $0, count: buffer.size))
            }
        }
        return (bytes(signature), bytes(signed))
    }
}
