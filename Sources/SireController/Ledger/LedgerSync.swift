import SireGit

/// Exchanges the ledger with another repository (`sire-git notes fetch|push|sync`).
///
/// Fetch copies the remote's `refs/notes/sire/*` to `refs/notes/sire-remote/<remote>/*` and
/// union-merges each into the local ref of the same name, so records from both sides survive
/// and the local ref descends from the remote's. Push sends the local refs without forcing;
/// when the remote moved meanwhile (non-fast-forward), it fetches, merges and tries again.
/// All of it is blocking libgit2 work: call it off the cooperative pool when that matters.
package struct LedgerSync: Sendable {
    /// One local ledger ref and what a fetch did to it.
    package struct Merge: Sendable, Hashable {
        package var ref: String
        package var outcome: NotesMergeOutcome
    }

    /// What a push did.
    package struct Push: Sendable, Hashable {
        /// The refs sent (all of them are on the remote now).
        package var refs: [String]
        /// Fetch-and-merge rounds needed before the remote accepted them.
        package var merges: Int
    }

    /// The repository's git directory.
    package let gitDirectory: String
    /// How many times a push is tried in all (fetching and merging between tries).
    package var pushAttempts: Int
    /// Credentials and host verification for the remote.
    package var access: RemoteAccess

    package init(gitDirectory: String, pushAttempts: Int = 5, access: RemoteAccess = RemoteAccess()) {
        self.gitDirectory = gitDirectory
        self.pushAttempts = pushAttempts
        self.access = access
    }

    /// Where the notes fetched from `remote` are kept: `refs/notes/sire-remote/<remote>`, with
    /// anything but letters, digits, `.`, `_` and `-` in a URL replaced by `_`.
    package static func trackingPrefix(for remote: String) -> String {
        let safe = String(
            remote.map { c in c.isASCII && (c.isLetter || c.isNumber || c == "." || c == "_" || c == "-") ? c : "_" })
        return "refs/notes/sire-remote/\(safe.isEmpty ? "_" : safe)"
    }

    /// The ref that keeps what `remote` was last seen to hold of ledger ref `ref`.
    static func trackingRef(of ref: String, remote: String) -> String {
        trackingPrefix(for: remote) + "/" + ref.dropFirst("refs/notes/sire/".count)
    }

    /// Fetches the remote's ledger and merges it into the local refs; returns what happened
    /// to each ledger ref the remote has.
    ///
    /// - Throws: ``ControllerError`` `io` when the remote cannot be read or a merge fails.
    package func fetch(remote: String) throws -> [Merge] {
        let repository = try open()
        return try fetch(remote: remote, in: repository)
    }

    /// Pushes every local ledger ref, merging the remote's records first whenever it refuses
    /// a non-fast-forward update, up to ``pushAttempts`` tries.
    ///
    /// - Throws: ``ControllerError`` `io` when the remote still refuses after the last try or
    ///   cannot be reached.
    package func push(remote: String) throws -> Push {
        let repository = try open()
        return try push(remote: remote, in: repository)
    }

    /// How many notes (annotated commits) in the local ledger differ from what `remote` was
    /// last seen to hold (its tracking refs, moved by every fetch and successful push): the
    /// records not known to be on the remote. Read from the refs, so it survives restarts.
    package func unpushed(remote: String) throws -> Int {
        let repository = try open()
        do {
            var count = 0
            for case (let ref, let local?) in try changed(since: remote, in: repository) {
                let tracking = try repository.referenceTarget(Self.trackingRef(of: ref, remote: remote))
                count += try repository.diff(from: tracking, to: local, detectRenames: false).count
            }
            return count
        } catch {
            throw ControllerError(.io, "cannot compare the ledger with '\(remote)'", cause: error)
        }
    }

    /// Fetch and merge, then push.
    package func sync(remote: String) throws -> (fetched: [Merge], pushed: Push) {
        let repository = try open()
        let fetched = try fetch(remote: remote, in: repository)
        return (fetched, try push(remote: remote, in: repository))
    }

    private func fetch(remote: String, in repository: Repository) throws -> [Merge] {
        let prefix = Self.trackingPrefix(for: remote)
        let author = LedgerIdentity.author(for: repository)
        do {
            try repository.fetch(remote: remote, refspecs: ["+refs/notes/sire/*:\(prefix)/*"], access: access)
            var merges: [Merge] = []
            for tracking in try repository.referenceNames(matching: "\(prefix)/*") {
                let ref = "refs/notes/sire/" + tracking.dropFirst(prefix.count + 1)
                let outcome = try repository.mergeNotes(
                    from: tracking, into: ref, author: author, message: "sire-git: merge \(ref) from \(remote)")
                merges.append(Merge(ref: ref, outcome: outcome))
            }
            // A partition both sides wrote holds the union of their records now, which neither
            // side's summary lines count: derive them again.
            for merge in merges {
                guard case .merged = merge.outcome, let part = LedgerRef.partitionName(of: merge.ref),
                    LedgerPartition.isValidName(part)
                else { continue }
                try LedgerRecorder.resummarize(
                    part, in: repository, author: author, message: "sire-git: summarize \(part) merged from \(remote)")
            }
            return merges
        } catch {
            throw ControllerError(.io, "cannot fetch the ledger from '\(remote)'", cause: error)
        }
    }

    private func push(remote: String, in repository: Repository) throws -> Push {
        var merges = 0
        while true {
            let refs: [(String, ObjectID?)]
            do {
                refs = try changed(since: remote, in: repository)
            } catch {
                throw ControllerError(.io, "cannot list the ledger refs", cause: error)
            }
            guard !refs.isEmpty else { return Push(refs: [], merges: merges) }
            do {
                try repository.push(remote: remote, refspecs: refs.map { "\($0.0):\($0.0)" }, access: access)
                // The remote now holds what was pushed: remember it, as a fetch would.
                for case (let ref, let id?) in refs {
                    try repository.setReference(
                        Self.trackingRef(of: ref, remote: remote), to: id, message: "sire-git: pushed")
                }
                return Push(refs: refs.map(\.0), merges: merges)
            } catch  where error.code == .nonFastForward && merges + 1 < pushAttempts {
                // Someone pushed records we do not have: take them in, so ours descends from theirs.
                _ = try fetch(remote: remote, in: repository)
                merges += 1
            } catch {
                throw ControllerError(.io, "cannot push the ledger to '\(remote)'", cause: error)
            }
        }
    }

    /// The ledger refs whose target is not what `remote` was last seen to hold, with it: only
    /// those are pushed (a ledger has a ref per month and writer; most never change again).
    private func changed(since remote: String, in repository: Repository) throws(GitError) -> [(String, ObjectID?)] {
        var refs: [(String, ObjectID?)] = []
        for ref in try repository.referenceNames(matching: "refs/notes/sire/*") {
            let local = try repository.referenceTarget(ref)
            if try local != repository.referenceTarget(Self.trackingRef(of: ref, remote: remote)) {
                refs.append((ref, local))
            }
        }
        return refs
    }

    private func open() throws -> Repository {
        do {
            return try Repository(path: gitDirectory)
        } catch {
            throw ControllerError(.io, "cannot open the repository \(gitDirectory)", cause: error)
        }
    }
}
