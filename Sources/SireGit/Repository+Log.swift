import CLibGit2

extension Repository {
    /// The commits reachable from `revision` but not from `excluding`, newest first in
    /// topological order (a child always before its parents; ties by commit time), like
    /// `git log --topo-order excluding..revision`.
    ///
    /// - Parameters:
    ///   - revision: where the walk starts; anything ``resolveCommit(_:)`` accepts.
    ///   - excluding: commits reachable from this revision are left out.
    ///   - limit: at most this many commits; `nil` for all.
    ///   - firstParent: follow only first parents through merges (`--first-parent`).
    /// - Throws: ``GitError`` when a revision does not resolve (see ``resolveCommit(_:)``) or
    ///   the walk fails (`git_revwalk_next`).
    public func log(
        from revision: String, excluding: String? = nil, limit: Int? = nil,
        firstParent: Bool = false
    ) throws(GitError) -> [CommitInfo] {
        let include = [try resolveCommit(revision).id]
        let exclude =
            try excluding.map { rev throws(GitError) in [try resolveCommit(rev).id] } ?? []
        return try walk(
            including: include, excluding: exclude, limit: limit, firstParent: firstParent,
            subject: "history of '\(revision)'")
    }

    /// The commits a `git log` range selects: `A..B` (in B, not in A), `A...B` (in either but
    /// not both), or a single revision (everything reachable). An empty side means `HEAD`.
    ///
    /// - Throws: ``GitError`` `invalidSpec` for a malformed range, `notFound` when a side does
    ///   not resolve (`git_revparse`).
    public func log(range: String, limit: Int? = nil, firstParent: Bool = false) throws(GitError)
        -> [CommitInfo]
    {
        let subject = "revision range '\(range)'"
        var spec = git_revspec()
        try check("git_revparse", subject: subject, repository: displayPath) {
            git_revparse(&spec, handle, range)
        }
        defer {
            git_object_free(spec.from)
            git_object_free(spec.to)
        }
        let from = try commitID(peeling: spec.from, subject: subject)
        let to = try commitID(peeling: spec.to, subject: subject)
        let isRange = spec.flags & GIT_REVSPEC_RANGE.rawValue != 0
        let isSymmetric = spec.flags & GIT_REVSPEC_MERGE_BASE.rawValue != 0

        guard isRange, let from, let to else {
            guard let start = from ?? to else { return [] }
            return try walk(
                including: [start], excluding: [], limit: limit, firstParent: firstParent,
                subject: subject)
        }
        if isSymmetric {
            let bases = try mergeBases(from, to)
            return try walk(
                including: [from, to], excluding: bases, limit: limit, firstParent: firstParent,
                subject: subject)
        }
        return try walk(
            including: [to], excluding: [from], limit: limit, firstParent: firstParent,
            subject: subject)
    }

    private func commitID(peeling object: OpaquePointer?, subject: String) throws(GitError)
        -> ObjectID?
    {
        guard let object else { return nil }
        var commit: OpaquePointer?
        let result = git_object_peel(&commit, object, GIT_OBJECT_COMMIT)
        if result < 0 {
            throw GitError(
                code: .invalidSpec, subject: subject, repository: displayPath,
                function: "git_object_peel", libgit2Code: result,
                message: "\(subject) does not name commits in \(displayPath)")
        }
        let peeled = try unwrap(commit, "git_object_peel", subject: subject)
        defer { git_object_free(peeled) }
        return ObjectID(git_object_id(peeled))
    }

    private func walk(
        including: [ObjectID], excluding: [ObjectID], limit: Int?, firstParent: Bool,
        subject: String
    ) throws(GitError) -> [CommitInfo] {
        if let limit, limit <= 0 { return [] }
        var walker: OpaquePointer?
        try check("git_revwalk_new", subject: subject, repository: displayPath) {
            git_revwalk_new(&walker, handle)
        }
        let walk = try unwrap(walker, "git_revwalk_new", subject: subject)
        defer { git_revwalk_free(walk) }
        try check("git_revwalk_sorting", subject: subject) {
            git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue)
        }
        if firstParent {
            try check("git_revwalk_simplify_first_parent", subject: subject) {
                git_revwalk_simplify_first_parent(walk)
            }
        }
        for id in including {
            var oid = id.oid
            try check("git_revwalk_push", subject: "commit \(id)", repository: displayPath) {
                git_revwalk_push(walk, &oid)
            }
        }
        for id in excluding {
            var oid = id.oid
            try check("git_revwalk_hide", subject: "commit \(id)", repository: displayPath) {
                git_revwalk_hide(walk, &oid)
            }
        }

        var commits: [CommitInfo] = []
        var oid = git_oid()
        while limit.map({ commits.count < $0 }) ?? true {
            let result = try check(
                "git_revwalk_next", subject: subject, repository: displayPath,
                allowing: GIT_ITEROVER
            ) { git_revwalk_next(&oid, walk) }
            if result == GIT_ITEROVER.rawValue { break }
            commits.append(try commit(ObjectID(oid)))
        }
        return commits
    }
}
