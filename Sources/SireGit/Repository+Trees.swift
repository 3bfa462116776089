import CLibGit2

extension Repository {
    /// Lists every file (blob) under the given directories of a commit's tree, recursively,
    /// sorted by path.
    ///
    /// Reads the object database only, never the work tree or index. `""` or `"."` means the
    /// whole tree; a directory missing from the commit, or a path naming a file, contributes
    /// nothing. Submodules are skipped.
    ///
    /// - Parameter commit: a commit (or tree, or tag) id.
    /// - Throws: ``GitError`` `notFound` when `commit` is not in the repository.
    public func files(in commit: ObjectID, under directories: [String]) throws(GitError)
        -> [TreeFile]
    {
        let root = try lookupTree(of: commit)
        defer { git_tree_free(root) }
        var found: [String: TreeFile] = [:]
        for directory in Set(directories.map(Self.normalized)) {
            if directory.isEmpty {
                try collect(root, prefix: "", into: &found)
                continue
            }
            guard let subtree = try subtree(directory, of: root, in: commit) else { continue }
            defer { git_tree_free(subtree) }
            try collect(subtree, prefix: directory + "/", into: &found)
        }
        return found.values.sorted { $0.path < $1.path }
    }

    /// The file at `path` in a commit's tree, or `nil` when there is none (or it is a directory
    /// or submodule).
    ///
    /// - Throws: ``GitError`` `notFound` when `commit` is not in the repository.
    public func file(at path: String, in commit: ObjectID) throws(GitError) -> TreeFile? {
        let normalizedPath = Self.normalized(path)
        guard !normalizedPath.isEmpty else { return nil }
        let root = try lookupTree(of: commit)
        defer { git_tree_free(root) }
        var entry: OpaquePointer?
        try check(
            "git_tree_entry_bypath", subject: "path '\(path)' in commit \(commit.short)",
            repository: displayPath, allowing: GIT_ENOTFOUND
        ) { git_tree_entry_bypath(&entry, root, normalizedPath) }
        guard let entry else { return nil }
        defer { git_tree_entry_free(entry) }
        guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB,
            let mode = FileMode(rawValue: git_tree_entry_filemode(entry).rawValue)
        else { return nil }
        return TreeFile(path: normalizedPath, blob: ObjectID(git_tree_entry_id(entry)), mode: mode)
    }

    /// The content of a blob, copied out.
    ///
    /// - Throws: ``GitError`` `notFound` when there is no such blob (`git_blob_lookup`).
    public func blob(_ id: ObjectID) throws(GitError) -> [UInt8] {
        let blob = try lookupBlob(id)
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let content = git_blob_rawcontent(blob) else { return [] }
        return Array(UnsafeRawBufferPointer(start: content, count: size))
    }

    /// The size of a blob in bytes, read from the object's header: the content is neither
    /// inflated nor copied, however large it is.
    ///
    /// - Throws: ``GitError`` `notFound` when there is no such object (`git_odb_read_header`).
    public func blobSize(_ id: ObjectID) throws(GitError) -> Int {
        var odb: OpaquePointer?
        try check("git_repository_odb", subject: "blob \(id)", repository: displayPath) {
            git_repository_odb(&odb, handle)
        }
        defer { git_odb_free(odb) }
        var oid = id.oid
        var size = 0
        var type = GIT_OBJECT_ANY
        try check("git_odb_read_header", subject: "blob \(id)", repository: displayPath) {
            git_odb_read_header(&size, &type, odb, &oid)
        }
        return size
    }

    /// The root tree of a commit (or a tree, or what a tag points at); the caller frees it.
    func lookupTree(of id: ObjectID) throws(GitError) -> OpaquePointer {
        var oid = id.oid
        var object: OpaquePointer?
        try check("git_object_lookup", subject: "commit \(id)", repository: displayPath) {
            git_object_lookup(&object, handle, &oid, GIT_OBJECT_ANY)
        }
        let found = try unwrap(object, "git_object_lookup", subject: "commit \(id)")
        defer { git_object_free(found) }
        var tree: OpaquePointer?
        try check("git_object_peel", subject: "object \(id)", repository: displayPath) {
            git_object_peel(&tree, found, GIT_OBJECT_TREE)
        }
        return try unwrap(tree, "git_object_peel", subject: "object \(id)")
    }

    /// Looks up a tree by id; the caller frees it with `git_tree_free`.
    private func lookupTree(_ id: ObjectID) throws(GitError) -> OpaquePointer {
        var oid = id.oid
        var tree: OpaquePointer?
        try check("git_tree_lookup", subject: "tree \(id)", repository: displayPath) {
            git_tree_lookup(&tree, handle, &oid)
        }
        return try unwrap(tree, "git_tree_lookup", subject: "tree \(id)")
    }

    private func lookupBlob(_ id: ObjectID) throws(GitError) -> OpaquePointer {
        var oid = id.oid
        var blob: OpaquePointer?
        try check("git_blob_lookup", subject: "blob \(id)", repository: displayPath) {
            git_blob_lookup(&blob, handle, &oid)
        }
        return try unwrap(blob, "git_blob_lookup", subject: "blob \(id)")
    }

    /// Checks the entry names of every tree on the way to each of `paths` (one level each,
    /// not whole trees): what a diff cannot show, a name holding `/` or a duplicate entry, is
    /// found here, at a cost that grows with the changed directories.
    ///
    /// - Throws: ``GitError`` `unsafePath` naming the first entry no checkout may write.
    public func checkEntries(along paths: [String], in commit: ObjectID) throws(GitError) {
        let root = try lookupTree(of: commit)
        defer { git_tree_free(root) }
        var directories: Set<String> = [""]
        for path in paths {
            var directory = ""
            for component in path.split(separator: "/").dropLast() {
                directory += (directory.isEmpty ? "" : "/") + component
                directories.insert(directory)
            }
        }
        for directory in directories.sorted() {
            let owned = directory.isEmpty ? nil : try subtree(directory, of: root, in: commit)
            defer { if let owned { git_tree_free(owned) } }
            guard let tree = directory.isEmpty ? root : owned else { continue }
            var names = Set<String>()
            for index in 0..<git_tree_entrycount(tree) {
                guard let entry = git_tree_entry_byindex(tree, index) else { continue }
                let name = String(cString: git_tree_entry_name(entry))
                try checkEntryName(name, path: directory.isEmpty ? name : directory + "/" + name, names: &names)
            }
        }
    }

    /// The tree at `directory` below `root` (a commit's root tree), or nil when there is no such
    /// path or it is not a tree; the caller frees it with `git_tree_free`.
    private func subtree(_ directory: String, of root: OpaquePointer, in commit: ObjectID) throws(GitError)
        -> OpaquePointer?
    {
        var entry: OpaquePointer?
        try check(
            "git_tree_entry_bypath", subject: "path '\(directory)' in commit \(commit.short)",
            repository: displayPath, allowing: GIT_ENOTFOUND
        ) { git_tree_entry_bypath(&entry, root, directory) }
        guard let entry else { return nil }
        defer { git_tree_entry_free(entry) }
        guard git_tree_entry_type(entry) == GIT_OBJECT_TREE else { return nil }
        return try lookupTree(ObjectID(git_tree_entry_id(entry)))
    }

    /// Throws when `name` (at `path`) is one ``TreeEntryName`` refuses or repeats a name in
    /// `names`, the names seen so far in the same tree.
    private func checkEntryName(_ name: String, path: String, names: inout Set<String>) throws(GitError) {
        guard let problem = TreeEntryName.problem(name) ?? (names.insert(name).inserted ? nil : "a duplicate entry")
        else { return }
        throw GitError(
            code: .unsafePath, subject: "tree entry '\(path)'", repository: displayPath, function: "checkEntries",
            message: "the tree holds an entry no checkout may write: '\(path)' is \(problem) (git fsck refuses it too)")
    }

    private func collect(
        _ tree: OpaquePointer, prefix: String, into found: inout [String: TreeFile]
    ) throws(GitError) {
        var names = Set<String>()
        for index in 0..<git_tree_entrycount(tree) {
            guard let entry = git_tree_entry_byindex(tree, index) else { continue }
            let name = String(cString: git_tree_entry_name(entry))
            let path = prefix + name
            try checkEntryName(name, path: path, names: &names)
            let id = ObjectID(git_tree_entry_id(entry))
            switch git_tree_entry_type(entry) {
            case GIT_OBJECT_TREE:
                let subtree = try lookupTree(id)
                defer { git_tree_free(subtree) }
                try collect(subtree, prefix: path + "/", into: &found)
            case GIT_OBJECT_BLOB:
                guard let mode = FileMode(rawValue: git_tree_entry_filemode(entry).rawValue) else {
                    continue
                }
                found[path] = TreeFile(path: path, blob: id, mode: mode)
            default:
                continue  // submodule commits have no content here
            }
        }
    }

    /// `./a/b/` → `a/b`; `.` → the root.
    static func normalized(_ path: String) -> String {
        var path = Substring(path)
        while path.hasPrefix("./") { path = path.dropFirst(2) }
        while path.hasPrefix("/") { path = path.dropFirst() }
        while path.hasSuffix("/") { path = path.dropLast() }
        return path == "." ? "" : String(path)
    }
}
