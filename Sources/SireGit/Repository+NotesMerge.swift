import CLibGit2

extension Repository {
    /// Merges the notes of `sourceRef` into the notes ref `ref`: the union of lines per
    /// annotated object, as `git notes merge -s cat_sort_uniq` would, but keeping each note's
    /// stored line order and writing the tree in 2/38 fan-out.
    ///
    /// The result descends from both sides, so pushing `ref` back to where `sourceRef` came
    /// from is a fast-forward. When one side contains the other, `ref` simply ends at the
    /// newer one. Only notes that changed on the source side since the merge base are read,
    /// so merging a mostly shared ledger costs what differs. `ref` is moved by
    /// compare-and-swap and the merge redone when another writer moved it meanwhile.
    ///
    /// - Parameters:
    ///   - sourceRef: the notes to take in, e.g. `refs/notes/sire-remote/origin/runs`.
    ///   - ref: the local notes ref, e.g. `refs/notes/sire/summary`.
    ///   - author: author and committer of a merge commit; the time is now.
    ///   - message: the merge commit's message.
    /// - Throws: ``GitError`` `modified` when `ref` kept moving for
    ///   ``notesWriteAttempts`` tries, or what libgit2 reported.
    @discardableResult
    public func mergeNotes(
        from sourceRef: String, into ref: String, author: (name: String, email: String), message: String
    ) throws(GitError) -> NotesMergeOutcome {
        var lastConflict: GitError?
        for _ in 0..<Self.notesWriteAttempts {
            guard let source = try referenceTarget(sourceRef) else { return .upToDate }
            let old = try referenceTarget(ref)
            do {
                guard let old else {
                    try updateReference(ref, to: source, expecting: nil, message: "notes: \(message)")
                    return .fastForwarded
                }
                if try isAncestor(source, of: old) { return .upToDate }
                if try isAncestor(old, of: source) {
                    try updateReference(ref, to: source, expecting: old, message: "notes: \(message)")
                    return .fastForwarded
                }
                let (merged, count) = try unionCommit(
                    old: old, source: source, author: author, message: message)
                try updateReference(ref, to: merged, expecting: old, message: "notes: \(message)")
                return .merged(notes: count)
            } catch {
                switch error.code {
                case .modified, .exists, .locked, .conflict: lastConflict = error
                default: throw error
                }
            }
        }
        throw lastConflict
            ?? GitError(code: .modified, subject: "notes ref '\(ref)'", function: "mergeNotes")
    }

    /// Writes, without moving `ref`, a commit whose parents are `old` and `source` and whose
    /// tree is the union of their notes; returns it and how many notes the source added to.
    private func unionCommit(
        old: ObjectID, source: ObjectID, author: (name: String, email: String), message: String
    ) throws(GitError) -> (ObjectID, Int) {
        // Notes the source changed since the common ancestor: everything when unrelated (two
        // clones that each started a ledger).
        let base = try mergeBase(old, source)
        var additions: [ObjectID: [String]] = [:]
        for change in try diff(from: base, to: source, detectRenames: false) {
            guard let path = change.newPath, let blob = change.newBlob,
                let annotated = ObjectID(path.split(separator: "/").joined())
            else { continue }
            additions[annotated, default: []].append(contentsOf: Self.noteLines(in: try self.blob(blob)))
        }
        // appendNotes does the union and the fan-out; it needs a ref to work on, so it gets a
        // private scratch ref starting at `old`, removed again whatever happens.
        let scratch = "refs/notes/sire-merge/\(UInt64.random(in: 0...UInt64.max))"
        try setReference(scratch, to: old, message: "notes merge scratch")
        defer { try? deleteReference(scratch) }
        let union = try appendNotes(additions, ref: scratch, author: author, message: message)
        let tree = try commit(union).tree
        let merge = try createCommit(
            tree: tree, parents: [old, source], author: author, message: message)
        return (merge, additions.count)
    }

    /// Creates a commit object (moving no reference) with the given tree and parents.
    private func createCommit(
        tree: ObjectID, parents: [ObjectID], author: (name: String, email: String), message: String
    ) throws(GitError) -> ObjectID {
        let subject = "notes merge commit"
        var signature: UnsafeMutablePointer<git_signature>?
        try check("git_signature_now", subject: "signature '\(author.name)'", repository: displayPath) {
            git_signature_now(&signature, author.name, author.email)
        }
        defer { git_signature_free(signature) }
        var treeOID = tree.oid
        var treeHandle: OpaquePointer?
        try check("git_tree_lookup", subject: subject, repository: displayPath) {
            git_tree_lookup(&treeHandle, handle, &treeOID)
        }
        defer { git_tree_free(treeHandle) }
        var parentHandles: [OpaquePointer?] = []
        defer { for parent in parentHandles { git_commit_free(parent) } }
        for parent in parents { parentHandles.append(try lookupCommit(parent)) }
        var commitOID = git_oid()
        try check("git_commit_create", subject: subject, repository: displayPath) {
            git_commit_create(
                &commitOID, handle, nil, signature, signature, nil, message, treeHandle,
                parentHandles.count, &parentHandles)
        }
        return ObjectID(commitOID)
    }
}
