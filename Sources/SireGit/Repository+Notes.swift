import CLibGit2

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Repository {
    /// How many times ``appendNotes(_:ref:author:message:)`` re-reads and retries after another
    /// writer moved the notes ref first.
    public static let notesWriteAttempts = 50

    /// Adds JSON Lines records to the notes of several commits in one notes commit, never
    /// losing a record written concurrently by another process or handle.
    ///
    /// Each annotated commit's note becomes the union of its existing lines and `lines[commit]`,
    /// one record per line, each ending with `\n`; a line already present is not repeated and
    /// blank lines are dropped. The notes tree is written in git's 2/38 fan-out (`ab/cdef…`);
    /// a note that stock git wrote flat (`abcdef…` at the root) is merged and moved into the
    /// fan-out. The ref is moved by compare-and-swap against the target read at the start, and
    /// the whole read-merge-write is retried when another writer got there first, so
    /// concurrent writers never lose a line. Each notes commit with its trees and blobs is
    /// written as one pack (libgit2's mempack backend), not as loose objects, so a busy ledger
    /// does not leave thousands of small files behind.
    ///
    /// - Parameters:
    ///   - lines: the records to add, by annotated commit (any object id works, as in git).
    ///   - ref: the full notes ref name, such as `refs/notes/sire/checks`.
    ///   - author: author and committer of the notes commit; the time is now.
    ///   - message: the notes commit's message.
    /// - Returns: the new notes commit; the ref's current target when every line was already
    ///   present; ``ObjectID/zero`` when there was nothing to write and the ref does not exist.
    /// - Throws: ``GitError`` `modified` when the ref kept moving for
    ///   ``notesWriteAttempts`` tries, `invalidSpec` for a malformed ref name, or whatever
    ///   libgit2 reported.
    @discardableResult
    public func appendNotes(
        _ lines: [ObjectID: [String]], ref: String, author: (name: String, email: String),
        message: String
    ) throws(GitError) -> ObjectID {
        let additions = lines.mapValues(Self.noteLines).filter { !$0.value.isEmpty }
        return try updateNotes(
            additions.mapValues { added in { old in old + added } }, ref: ref, author: author, message: message
        ).commit
    }

    /// Rewrites the notes of several commits in one notes commit: each commit's note becomes
    /// what its edit returns for the lines it holds now, never losing a change made
    /// concurrently by another process or handle.
    ///
    /// An edit gets the note's lines in stored order (each once, blank ones dropped; `[]` when
    /// the commit has no note) and returns the new lines; they are stored one a line, each
    /// once, and an empty result removes the note. The tree is written in git's 2/38 fan-out
    /// (a note that stock git wrote flat is moved into it). The ref moves by compare-and-swap
    /// against the target read at the start, and everything — reading, the edits, writing —
    /// is redone when another writer got there first, so an edit must be a pure function of
    /// the lines it is given. The objects of each attempt are written as one pack (libgit2's
    /// mempack backend), not as loose objects.
    ///
    /// - Parameters:
    ///   - edits: the new lines of each commit's note, from its current ones.
    ///   - ref: the full notes ref name, such as `refs/notes/sire/summary`.
    ///   - author: author and committer of the notes commit; the time is now.
    ///   - message: the notes commit's message.
    /// - Returns: the notes commit the ref points at afterwards (the old one when nothing
    ///   changed; ``ObjectID/zero`` when nothing was written and the ref does not exist), and
    ///   each edited note's lines before and after, as of the attempt that was stored.
    /// - Throws: ``GitError`` `modified` when the ref kept moving for ``notesWriteAttempts``
    ///   tries, `invalidSpec` for a malformed ref name, or whatever libgit2 reported.
    @discardableResult
    public func updateNotes(
        _ edits: [ObjectID: ([String]) -> [String]], ref: String, author: (name: String, email: String),
        message: String
    ) throws(GitError) -> NotesUpdate {
        var lastConflict: GitError?
        for attempt in 0..<Self.notesWriteAttempts {
            let old = try notesTarget(ref)
            // A handle of its own, whose object database gets the in-memory backend for this
            // one write: the objects leave it as a single pack.
            let writer = try Repository(path: gitDirectory)
            var notes: [ObjectID: NotesUpdate.Change] = [:]
            guard
                let new = try writer.packed({ (created: inout [ObjectID]) throws(GitError) in
                    try writer.writeNotesCommit(
                        edits, parent: old, ref: ref, author: author, message: message, changes: &notes,
                        created: &created)
                })
            else { return NotesUpdate(commit: old ?? .zero, notes: notes) }
            do {
                try moveNotesRef(ref, to: new, from: old, message: message)
                return NotesUpdate(commit: new, notes: notes)
            } catch {
                switch error.code {
                case .modified, .exists, .locked, .conflict:
                    lastConflict = error
                    // Spread the retries so writers that collided do not collide again in step.
                    usleep(UInt32.random(in: 0...UInt32(min(attempt + 1, 20) * 500)))
                default: throw error
                }
            }
        }
        throw lastConflict
            ?? GitError(code: .modified, subject: "notes ref '\(ref)'", function: "updateNotes")
    }

    /// ``updateNotes(_:ref:author:message:)`` of two refs in one pack, the second's edits made
    /// from what the first stored (a ledger partition, then the summary derived from it).
    ///
    /// Both notes commits are written into one pack, then `first` and `second` are moved by
    /// compare-and-swap in that order. When another writer moved `first` meanwhile, everything
    /// is redone; when it moved only `second`, `first` stays stored and `second` is redone on
    /// its own (from the same changes of `first`).
    ///
    /// - Returns: what each ref stored.
    /// - Throws: ``GitError`` as ``updateNotes(_:ref:author:message:)`` does.
    @discardableResult
    public func updateNotes(
        _ first: (ref: String, edits: [ObjectID: ([String]) -> [String]]),
        then second: (ref: String, edits: ([ObjectID: NotesUpdate.Change]) -> [ObjectID: ([String]) -> [String]]),
        author: (name: String, email: String), message: String
    ) throws(GitError) -> (NotesUpdate, NotesUpdate) {
        var lastConflict: GitError?
        for attempt in 0..<Self.notesWriteAttempts {
            let oldFirst = try notesTarget(first.ref), oldSecond = try notesTarget(second.ref)
            let writer = try Repository(path: gitDirectory)
            var changes: [ObjectID: NotesUpdate.Change] = [:], secondChanges: [ObjectID: NotesUpdate.Change] = [:]
            let (newFirst, newSecond) = try writer.packed { (created: inout [ObjectID]) throws(GitError) in
                let one = try writer.writeNotesCommit(
                    first.edits, parent: oldFirst, ref: first.ref, author: author, message: message, changes: &changes,
                    created: &created)
                let two = try writer.writeNotesCommit(
                    second.edits(changes), parent: oldSecond, ref: second.ref, author: author, message: message,
                    changes: &secondChanges, created: &created)
                return (one, two)
            }
            do {
                if let newFirst { try moveNotesRef(first.ref, to: newFirst, from: oldFirst, message: message) }
            } catch {
                switch error.code {
                case .modified, .exists, .locked, .conflict:
                    lastConflict = error
                    usleep(UInt32.random(in: 0...UInt32(min(attempt + 1, 20) * 500)))
                    continue
                default: throw error
                }
            }
            let stored = NotesUpdate(commit: newFirst ?? oldFirst ?? .zero, notes: changes)
            do {
                if let newSecond { try moveNotesRef(second.ref, to: newSecond, from: oldSecond, message: message) }
                return (stored, NotesUpdate(commit: newSecond ?? oldSecond ?? .zero, notes: secondChanges))
            } catch {
                switch error.code {
                case .modified, .exists, .locked, .conflict:
                    return (
                        stored,
                        try updateNotes(second.edits(changes), ref: second.ref, author: author, message: message)
                    )
                default: throw error
                }
            }
        }
        throw lastConflict
            ?? GitError(code: .modified, subject: "notes ref '\(first.ref)'", function: "updateNotes")
    }

    /// Runs `write` with every object it creates kept in memory, then stores the objects it
    /// reports in `created` as one pack.
    ///
    /// Only those objects go in the pack, not everything their commits reach (what
    /// `git_mempack_dump` would write): a write costs what it changed, however large the notes
    /// tree is.
    /// - Throws: ``GitError`` from `write`, or when the pack cannot be built or stored.
    func packed<T>(_ write: (inout [ObjectID]) throws(GitError) -> T) throws(GitError) -> T {
        var odb: OpaquePointer?
        try check("git_repository_odb", subject: "objects of \(gitDirectory)") { git_repository_odb(&odb, handle) }
        defer { git_odb_free(odb) }
        var mempack: UnsafeMutablePointer<git_odb_backend>?
        try check("git_mempack_new", subject: "objects of \(gitDirectory)") { git_mempack_new(&mempack) }
        // The object database owns the backend from here on (freed with this handle).
        try check("git_odb_add_backend", subject: "objects of \(gitDirectory)") {
            git_odb_add_backend(odb, mempack, 999)
        }
        defer { git_mempack_reset(mempack) }
        var created: [ObjectID] = []
        let result = try write(&created)
        guard !created.isEmpty else { return result }
        var builder: OpaquePointer?
        try check("git_packbuilder_new", subject: "objects of \(gitDirectory)") {
            git_packbuilder_new(&builder, handle)
        }
        defer { git_packbuilder_free(builder) }
        _ = git_packbuilder_set_threads(builder, 1)
        for id in created {
            var oid = id.oid
            try check("git_packbuilder_insert", subject: "object \(id)") { git_packbuilder_insert(builder, &oid, nil) }
        }
        var pack = git_buf()
        defer { git_buf_dispose(&pack) }
        try check("git_packbuilder_write_buf", subject: "objects of \(gitDirectory)") {
            git_packbuilder_write_buf(&pack, builder)
        }
        guard pack.size > 0, let data = pack.ptr else { return result }
        var writepack: UnsafeMutablePointer<git_odb_writepack>?
        try check("git_odb_write_pack", subject: "objects of \(gitDirectory)") {
            git_odb_write_pack(&writepack, odb, nil, nil)
        }
        guard let writepack else {
            throw GitError(code: .other, subject: "objects of \(gitDirectory)", function: "git_odb_write_pack")
        }
        defer { writepack.pointee.free(writepack) }
        var stats = git_indexer_progress()
        try check("git_odb_writepack.append", subject: "objects of \(gitDirectory)") {
            writepack.pointee.append(writepack, data, pack.size, &stats)
        }
        try check("git_odb_writepack.commit", subject: "objects of \(gitDirectory)") {
            writepack.pointee.commit(writepack, &stats)
        }
        return result
    }

    /// The lines of a commit's note in the given notes ref, in stored order; `[]` when the
    /// commit has no note or the ref does not exist.
    ///
    /// Reads notes trees of any fan-out, including flat ones written by stock git. Blank lines
    /// are skipped.
    ///
    /// - Throws: ``GitError`` when the ref or its objects cannot be read.
    public func notes(for commit: ObjectID, ref: String) throws(GitError) -> [String] {
        guard let target = try notesTarget(ref) else { return [] }
        let root = try lookupTree(of: target)
        defer { git_tree_free(root) }
        var lines: [String] = []
        for blob in try noteBlobs(for: commit.description[...], in: root) {
            lines.append(contentsOf: Self.noteLines(in: try self.blob(blob)))
        }
        return Self.unique(lines)
    }

    /// Every commit that has a note in the given notes ref, sorted; `[]` when the ref does
    /// not exist.
    ///
    /// Reads notes trees of any fan-out; entries whose path is not a 40-hex object id are
    /// ignored, as git does.
    ///
    /// - Throws: ``GitError`` when the ref or its objects cannot be read.
    public func notedCommits(ref: String) throws(GitError) -> [ObjectID] {
        guard let target = try notesTarget(ref) else { return [] }
        let root = try lookupTree(of: target)
        defer { git_tree_free(root) }
        var found: Set<ObjectID> = []
        try collectNotes(root, prefix: "", into: &found)
        return found.sorted()
    }

    // MARK: - Reading

    /// The notes ref's commit, or `nil` when the ref does not exist.
    private func notesTarget(_ ref: String) throws(GitError) -> ObjectID? {
        var oid = git_oid()
        let result = try check(
            "git_reference_name_to_id", subject: "notes ref '\(ref)'", repository: displayPath,
            allowing: GIT_ENOTFOUND
        ) { git_reference_name_to_id(&oid, handle, ref) }
        return result == GIT_ENOTFOUND.rawValue ? nil : ObjectID(oid)
    }

    /// The blobs holding notes for the object whose remaining hex digits are `hex`, at any
    /// fan-out depth below `tree`; usually one, more when stock git and a fan-out writer both
    /// left one behind.
    private func noteBlobs(for hex: Substring, in tree: OpaquePointer) throws(GitError)
        -> [ObjectID]
    {
        var blobs: [ObjectID] = []
        if let entry = git_tree_entry_byname(tree, String(hex)),
            git_tree_entry_type(entry) == GIT_OBJECT_BLOB
        {
            blobs.append(ObjectID(git_tree_entry_id(entry)))
        }
        guard hex.count > 2,
            let entry = git_tree_entry_byname(tree, String(hex.prefix(2))),
            git_tree_entry_type(entry) == GIT_OBJECT_TREE
        else { return blobs }
        let subtree = try lookupNotesTree(ObjectID(git_tree_entry_id(entry)))
        defer { git_tree_free(subtree) }
        return blobs + (try noteBlobs(for: hex.dropFirst(2), in: subtree))
    }

    private func collectNotes(
        _ tree: OpaquePointer, prefix: String, into found: inout Set<ObjectID>
    ) throws(GitError) {
        for index in 0..<git_tree_entrycount(tree) {
            guard let entry = git_tree_entry_byindex(tree, index) else { continue }
            let path = prefix + String(cString: git_tree_entry_name(entry))
            switch git_tree_entry_type(entry) {
            case GIT_OBJECT_BLOB:
                if let id = ObjectID(path) { found.insert(id) }
            case GIT_OBJECT_TREE where path.count < 40:
                let subtree = try lookupNotesTree(ObjectID(git_tree_entry_id(entry)))
                defer { git_tree_free(subtree) }
                try collectNotes(subtree, prefix: path, into: &found)
            default:
                continue
            }
        }
    }

    private func lookupNotesTree(_ id: ObjectID) throws(GitError) -> OpaquePointer {
        var oid = id.oid
        var tree: OpaquePointer?
        try check("git_tree_lookup", subject: "notes tree \(id)", repository: displayPath) {
            git_tree_lookup(&tree, handle, &oid)
        }
        return try unwrap(tree, "git_tree_lookup", subject: "notes tree \(id)")
    }

    // MARK: - Writing

    /// Writes the edited notes tree and a notes commit on top of `parent`, without moving any
    /// ref; `nil` when no note would change. `changes` gets each edited note's lines.
    private func writeNotesCommit(
        _ edits: [ObjectID: ([String]) -> [String]], parent: ObjectID?, ref: String,
        author: (name: String, email: String), message: String, changes: inout [ObjectID: NotesUpdate.Change],
        created: inout [ObjectID]
    ) throws(GitError) -> ObjectID? {
        let root = try parent.map { id throws(GitError) in try lookupTree(of: id) }
        defer { if let root { git_tree_free(root) } }
        let rootBuilder = try treeBuilder(root)
        defer { git_treebuilder_free(rootBuilder) }

        var changed = false
        let byFanout = Dictionary(grouping: edits.keys) { String($0.description.prefix(2)) }
        for (fanout, commits) in byFanout {
            let existing = root.flatMap { git_tree_entry_byname($0, fanout) }
            let subtree =
                try existing.flatMap { entry throws(GitError) -> OpaquePointer? in
                    guard git_tree_entry_type(entry) == GIT_OBJECT_TREE else { return nil }
                    return try lookupNotesTree(ObjectID(git_tree_entry_id(entry)))
                }
            defer { if let subtree { git_tree_free(subtree) } }
            let builder = try treeBuilder(subtree)
            defer { git_treebuilder_free(builder) }

            var fanoutChanged = false
            for commit in commits {
                guard let edit = edits[commit] else { continue }
                let hex = commit.description
                let blobs =
                    try root.map { tree throws(GitError) in
                        try noteBlobs(for: hex[...], in: tree)
                    } ?? []
                var lines: [String] = []
                for blob in blobs { lines.append(contentsOf: Self.noteLines(in: try self.blob(blob))) }
                let old = Self.unique(lines)
                let new = Self.unique(Self.noteLines(edit(old)))
                changes[commit] = NotesUpdate.Change(before: old, after: new)
                let flat = root.flatMap { git_tree_entry_byname($0, hex) } != nil
                guard new != lines || flat || blobs.count > 1 else { continue }
                if flat {
                    try check(
                        "git_treebuilder_remove", subject: "note for \(commit.short)",
                        repository: displayPath
                    ) { git_treebuilder_remove(rootBuilder, hex) }
                }
                let name = String(hex.dropFirst(2))
                if new.isEmpty {
                    if git_treebuilder_get(builder, name) != nil {
                        try check(
                            "git_treebuilder_remove", subject: "note for \(commit.short)",
                            repository: displayPath
                        ) { git_treebuilder_remove(builder, name) }
                    }
                } else {
                    var blob = try writeNoteBlob(new, for: commit)
                    created.append(ObjectID(blob))
                    try check(
                        "git_treebuilder_insert", subject: "note for \(commit.short)",
                        repository: displayPath
                    ) { git_treebuilder_insert(nil, builder, name, &blob, GIT_FILEMODE_BLOB) }
                }
                fanoutChanged = true
            }
            guard fanoutChanged else { continue }
            if git_treebuilder_entrycount(builder) == 0 {
                if git_treebuilder_get(rootBuilder, fanout) != nil {
                    try check(
                        "git_treebuilder_remove", subject: "notes fan-out '\(fanout)'",
                        repository: displayPath
                    ) { git_treebuilder_remove(rootBuilder, fanout) }
                }
            } else {
                var subtreeID = try writeTree(builder, subject: "notes fan-out '\(fanout)'")
                created.append(ObjectID(subtreeID))
                try check(
                    "git_treebuilder_insert", subject: "notes fan-out '\(fanout)'",
                    repository: displayPath
                ) { git_treebuilder_insert(nil, rootBuilder, fanout, &subtreeID, GIT_FILEMODE_TREE) }
            }
            changed = true
        }
        guard changed else { return nil }
        let tree = try writeTree(rootBuilder, subject: "notes tree for '\(ref)'")
        created.append(ObjectID(tree))
        let commit = try createNotesCommit(tree: tree, parent: parent, ref: ref, author: author, message: message)
        created.append(commit)
        return commit
    }

    /// A tree builder starting from `tree`'s entries, or empty; the caller frees it.
    private func treeBuilder(_ tree: OpaquePointer?) throws(GitError) -> OpaquePointer {
        var builder: OpaquePointer?
        try check("git_treebuilder_new", subject: "notes tree", repository: displayPath) {
            git_treebuilder_new(&builder, handle, tree)
        }
        return try unwrap(builder, "git_treebuilder_new", subject: "notes tree")
    }

    private func writeTree(_ builder: OpaquePointer, subject: String) throws(GitError) -> git_oid {
        var oid = git_oid()
        try check("git_treebuilder_write", subject: subject, repository: displayPath) {
            git_treebuilder_write(&oid, builder)
        }
        return oid
    }

    private func writeNoteBlob(_ lines: [String], for commit: ObjectID) throws(GitError)
        -> git_oid
    {
        var content = Array(lines.map { $0 + "\n" }.joined().utf8)
        var oid = git_oid()
        try check(
            "git_blob_create_from_buffer", subject: "note for \(commit.short)",
            repository: displayPath
        ) { git_blob_create_from_buffer(&oid, handle, &content, content.count) }
        return oid
    }

    private func createNotesCommit(
        tree treeID: git_oid, parent: ObjectID?, ref: String,
        author: (name: String, email: String), message: String
    ) throws(GitError) -> ObjectID {
        let subject = "notes commit for '\(ref)'"
        var signature: UnsafeMutablePointer<git_signature>?
        try check("git_signature_now", subject: "signature '\(author.name)'", repository: displayPath) {
            git_signature_now(&signature, author.name, author.email)
        }
        defer { git_signature_free(signature) }

        var treeOID = treeID
        var tree: OpaquePointer?
        try check("git_tree_lookup", subject: subject, repository: displayPath) {
            git_tree_lookup(&tree, handle, &treeOID)
        }
        defer { git_tree_free(tree) }

        var parentCommit: OpaquePointer?
        if let parent {
            var parentOID = parent.oid
            try check("git_commit_lookup", subject: "notes commit \(parent)", repository: displayPath) {
                git_commit_lookup(&parentCommit, handle, &parentOID)
            }
        }
        defer { if let parentCommit { git_commit_free(parentCommit) } }

        var parents: [OpaquePointer?] = parentCommit.map { [$0] } ?? []
        var commitOID = git_oid()
        try check("git_commit_create", subject: subject, repository: displayPath) {
            git_commit_create(
                &commitOID, handle, nil, signature, signature, nil, message, tree,
                parents.count, &parents)
        }
        return ObjectID(commitOID)
    }

    /// Moves `ref` from `old` (`nil`: the ref must not exist) to `new`, failing with
    /// `modified` if another writer moved or created it in between.
    private func moveNotesRef(_ ref: String, to new: ObjectID, from old: ObjectID?, message: String)
        throws(GitError)
    {
        var newOID = new.oid
        // A zero expected id means "must not exist yet", checked under the ref's lock; a plain
        // non-forced create checks before locking, so two first writers could both succeed.
        var oldOID = (old ?? .zero).oid
        var reference: OpaquePointer?
        try check(
            "git_reference_create_matching", subject: "notes ref '\(ref)'", repository: displayPath
        ) {
            git_reference_create_matching(
                &reference, handle, ref, &newOID, 1, &oldOID, "notes: \(message)")
        }
        git_reference_free(reference)
    }

    // MARK: - Lines

    /// The non-blank lines of a note, without their line ends.
    ///
    /// Split on the bytes (a note can be a few hundred kilobytes, and this is on every read):
    /// `\n` ends a line, a `\r` before it is dropped, and lines of only whitespace are skipped.
    static func noteLines(in content: [UInt8]) -> [String] {
        var lines: [String] = []
        content.withUnsafeBufferPointer { bytes in
            var start = 0
            for index in 0...bytes.count where index == bytes.count || bytes[index] == 0x0A {
                var end = index
                if end > start, bytes[end - 1] == 0x0D { end -= 1 }
                let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
                start = index + 1
                // Blank: nothing but ASCII spaces and tabs (other whitespace is rare enough to
                // go through the slow check).
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                let text = String(decoding: line, as: UTF8.self)
                if !text.allSatisfy(\.isWhitespace) { lines.append(text) }
            }
        }
        return lines
    }

    /// Splits records on line ends and drops blank ones, so a record is always one line.
    static func noteLines(_ records: [String]) -> [String] {
        records.flatMap { record in
            record.split(omittingEmptySubsequences: true) { $0 == "\n" || $0 == "\r\n" }
                .filter { !$0.allSatisfy(\.isWhitespace) }
                .map(String.init)
        }
    }

    /// The lines in first-seen order, each once.
    static func unique(_ lines: [String]) -> [String] {
        var seen: Set<String> = []
        return lines.filter { seen.insert($0).inserted }
    }
}
