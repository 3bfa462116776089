import SireGit

/// The finished runs of one commit as the ledger has them, read for what is shown: the counts
/// from the commit's summary note, and only the newest records of the newest partitions.
/// Version 1 records (`refs/notes/sire/runs`) not yet migrated are read whole.
package struct CommitRuns: Sendable, Hashable {
    /// Runs by workflow id, then by status.
    package var counts: [String: [String: Int]]
    /// The newest recorded runs (by finish time), at most the limit asked for, newest first.
    package var latest: [RunNote]

    /// How many runs in all.
    package var total: Int { counts.values.reduce(0) { $0 + $1.values.reduce(0, +) } }

    /// Reads the runs of `commit`.
    ///
    /// - Parameter limit: how many of the newest runs to read; nil for every one.
    /// - Throws: ``GitError`` when the notes cannot be read.
    package static func read(_ commit: ObjectID, in repository: Repository, limit: Int?) throws(GitError)
        -> CommitRuns
    {
        let summaries = PartitionSummary.parse(try repository.notes(for: commit, ref: LedgerRef.summary))
        let legacy = try unmigrated(commit, in: repository)
        var counts: [String: [String: Int]] = [:]
        for summary in summaries.values {
            for (workflow, statuses) in summary.runs {
                for (status, count) in statuses { counts[workflow, default: [:]][status, default: 0] += count }
            }
        }
        for note in legacy { counts[note.workflow, default: [:]][note.status, default: 0] += 1 }

        let wanted = limit ?? Int.max
        var found = Dictionary(legacy.map { ($0.run, $0) }) { first, _ in first }
        guard wanted > 0 else { return CommitRuns(counts: counts, latest: []) }
        // Newest partitions first; a partition is read only while it can still hold one of
        // the `wanted` newest runs, and from its end (records are appended as runs finish).
        var oldestKept: String?
        for summary in summaries.values.sorted(by: { ($0.last, $0.part) > ($1.last, $1.part) }) {
            if found.count >= wanted, let oldestKept, summary.last < oldestKept { break }
            var taken = 0
            for line in try repository.notes(for: commit, ref: LedgerRef.partition(summary.part)).reversed() {
                guard taken < wanted else { break }
                guard let note = RunNote.parse(line, on: commit) else { continue }
                if let other = found[note.run], !note.supersedes(other) { continue }
                found[note.run] = note
                taken += 1
            }
            let newest = found.values.sorted { ($0.finished_at, $0.run) > ($1.finished_at, $1.run) }.prefix(wanted)
            oldestKept = newest.last?.finished_at
        }
        let latest = found.values.sorted { ($0.finished_at, $0.run) > ($1.finished_at, $1.run) }.prefix(wanted)
        return CommitRuns(counts: counts, latest: Array(latest))
    }

    /// The version 1 records of `commit` that ``LedgerMigration`` has not copied into
    /// partitions yet, one per run id (the later finish wins).
    static func unmigrated(_ commit: ObjectID, in repository: Repository) throws(GitError) -> [RunNote] {
        guard let legacy = try repository.referenceTarget(LedgerRef.runs) else { return [] }
        var lines = try repository.notes(for: commit, ref: LedgerRef.runs)
        if let migrated = try repository.referenceTarget(LedgerRef.migratedRuns) {
            if migrated == legacy { return [] }
            let copied = Set(try repository.notes(for: commit, ref: LedgerRef.migratedRuns))
            lines.removeAll { copied.contains($0) }
        }
        var byRun: [String: RunNote] = [:]
        for note in lines.compactMap({ RunNote.parse($0, on: commit) }) {
            if let other = byRun[note.run], !note.supersedes(other) { continue }
            byRun[note.run] = note
        }
        return Array(byRun.values)
    }
}
