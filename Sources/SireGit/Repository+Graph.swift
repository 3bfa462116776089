import CLibGit2

extension Repository {
    /// Whether `ancestor` is reachable from `descendant` by following parents; a commit counts
    /// as its own ancestor, as in `git merge-base --is-ancestor` (so a fast-forward check is
    /// `isAncestor(old, of: new)`).
    ///
    /// - Throws: ``GitError`` `notFound` when either commit is missing (`git_graph_descendant_of`).
    public func isAncestor(_ ancestor: ObjectID, of descendant: ObjectID) throws(GitError) -> Bool {
        if ancestor == descendant {
            // libgit2 would say no; still make sure the commit exists so typos are not "true".
            _ = try commit(ancestor)
            return true
        }
        var commit = descendant.oid
        var candidate = ancestor.oid
        let result = try check(
            "git_graph_descendant_of",
            subject: "ancestry of \(ancestor.short) and \(descendant.short)",
            repository: displayPath
        ) { git_graph_descendant_of(handle, &commit, &candidate) }
        return result == 1
    }

    /// The best common ancestor of two commits, or `nil` when their histories are unrelated.
    ///
    /// - Throws: ``GitError`` when a commit is missing (`git_merge_base`).
    public func mergeBase(_ one: ObjectID, _ two: ObjectID) throws(GitError) -> ObjectID? {
        var base = git_oid()
        var first = one.oid
        var second = two.oid
        let result = try check(
            "git_merge_base", subject: "merge base of \(one.short) and \(two.short)",
            repository: displayPath, allowing: GIT_ENOTFOUND
        ) { git_merge_base(&base, handle, &first, &second) }
        return result == GIT_ENOTFOUND.rawValue ? nil : ObjectID(base)
    }

    /// Every best common ancestor (more than one after criss-cross merges); empty when unrelated.
    func mergeBases(_ one: ObjectID, _ two: ObjectID) throws(GitError) -> [ObjectID] {
        var bases = git_oidarray()
        var first = one.oid
        var second = two.oid
        let result = try check(
            "git_merge_bases", subject: "merge bases of \(one.short) and \(two.short)",
            repository: displayPath, allowing: GIT_ENOTFOUND
        ) { git_merge_bases(&bases, handle, &first, &second) }
        if result == GIT_ENOTFOUND.rawValue { return [] }
        defer { git_oidarray_dispose(&bases) }
        return (0..<bases.count).map { ObjectID(bases.ids[$0]) }
    }
}
