import CLibGit2

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Repository {
    /// The files that differ between two commits' trees, sorted by path.
    ///
    /// Only changed subtrees are read, so the cost grows with what changed, not with the size
    /// of the trees. Renames are paired up when `detectRenames` is set (exact and similar
    /// content, like `git diff -M`).
    ///
    /// - Parameters:
    ///   - old: the old commit (or tree); `nil` compares against the empty tree, so every file
    ///     of `new` is `added`.
    ///   - new: the new commit (or tree).
    ///   - paths: limits the diff to these files or directories (literal paths, not globs);
    ///     empty, or one of them `""` or `"."`, means everything.
    ///   - detectRenames: pairs deletions and additions of similar files into `renamed`.
    /// - Throws: ``GitError`` `notFound` when a commit is missing (`git_diff_tree_to_tree`,
    ///   `git_diff_find_similar`).
    public func diff(
        from old: ObjectID?, to new: ObjectID, paths: [String] = [], detectRenames: Bool = true
    ) throws(GitError) -> [TreeChange] {
        let oldTree = try old.map { id throws(GitError) in try lookupTree(of: id) }
        defer { if let oldTree { git_tree_free(oldTree) } }
        let newTree = try lookupTree(of: new)
        defer { git_tree_free(newTree) }

        let subject = "diff \(old?.short ?? "(empty)")..\(new.short)"
        var options = git_diff_options()
        try check("git_diff_options_init", subject: subject) {
            git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION))
        }
        options.flags |=
            GIT_DIFF_INCLUDE_TYPECHANGE.rawValue | GIT_DIFF_DISABLE_PATHSPEC_MATCH.rawValue

        // We built this strarray, so we free its strings ourselves (never git_strarray_dispose).
        let literal = paths.map(Self.normalized)
        // "" or "." names the root, which is no filter at all.
        var pathspec: [UnsafeMutablePointer<CChar>?] =
            literal.contains("") ? [] : literal.map { strdup($0) }
        defer { for path in pathspec { free(path) } }
        var diff: OpaquePointer?
        try check("git_diff_tree_to_tree", subject: subject, repository: displayPath) {
            pathspec.withUnsafeMutableBufferPointer { buffer in
                options.pathspec = git_strarray(strings: buffer.baseAddress, count: buffer.count)
                return git_diff_tree_to_tree(&diff, handle, oldTree, newTree, &options)
            }
        }
        let changes = try unwrap(diff, "git_diff_tree_to_tree", subject: subject)
        defer { git_diff_free(changes) }

        if detectRenames {
            var find = git_diff_find_options()
            try check("git_diff_find_options_init", subject: subject) {
                git_diff_find_options_init(&find, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION))
            }
            find.flags = GIT_DIFF_FIND_RENAMES.rawValue
            try check("git_diff_find_similar", subject: subject, repository: displayPath) {
                git_diff_find_similar(changes, &find)
            }
        }

        var found: [TreeChange] = []
        let count = git_diff_num_deltas(changes)
        found.reserveCapacity(count)
        for index in 0..<count {
            guard let delta = git_diff_get_delta(changes, index)?.pointee,
                let change = TreeChange(delta)
            else { continue }
            found.append(change)
        }
        return found.sorted { $0.path < $1.path }
    }
}

extension TreeChange {
    /// Copies a libgit2 delta; `nil` for statuses a tree-to-tree diff does not report.
    init?(_ delta: git_diff_delta) {
        let status: Status
        switch delta.status {
        case GIT_DELTA_ADDED: status = .added
        case GIT_DELTA_DELETED: status = .deleted
        case GIT_DELTA_MODIFIED: status = .modified
        case GIT_DELTA_RENAMED: status = .renamed
        case GIT_DELTA_TYPECHANGE: status = .typeChange
        default: return nil
        }
        let hasOld = status != .added
        let hasNew = status != .deleted
        self.init(
            status: status,
            oldPath: hasOld ? delta.old_file.path.map { String(cString: $0) } : nil,
            newPath: hasNew ? delta.new_file.path.map { String(cString: $0) } : nil,
            oldBlob: hasOld ? ObjectID(delta.old_file.id) : nil,
            newBlob: hasNew ? ObjectID(delta.new_file.id) : nil,
            oldMode: hasOld ? FileMode(rawValue: UInt32(delta.old_file.mode)) : nil,
            newMode: hasNew ? FileMode(rawValue: UInt32(delta.new_file.mode)) : nil)
    }
}
