import SireGit

/// Writes run records into their partitions and keeps the summary note of each commit they
/// are on in step: the one write path of the runs ledger (the writer, the migration and the
/// merge of fetched partitions all use it).
///
/// The partitions are written first, then the summaries, each ref by compare-and-swap. A
/// summary line is derived from its partition's note, so a crash between the two leaves a
/// summary behind that the next write to that partition (or `notes migrate`) corrects.
package enum LedgerRecorder {
    /// Appends `lines` (records by partition name, then by commit) and updates the summaries.
    ///
    /// The last partition and the summaries are written as one pack (usually there is one
    /// partition: a batch spans two only when it fills one).
    package static func record(
        _ lines: [String: [ObjectID: [String]]], in repository: Repository, author: (name: String, email: String),
        message: String
    ) throws(GitError) {
        var changes: [String: [ObjectID: NotesUpdate.Change]] = [:]
        let parts = lines.sorted(by: { $0.key < $1.key })
        guard let last = parts.last else { return }
        for (part, byCommit) in parts.dropLast() {
            changes[part] = try repository.updateNotes(
                appending(byCommit), ref: LedgerRef.partition(part), author: author, message: message
            ).notes
        }
        let earlier = changes
        try repository.updateNotes(
            (LedgerRef.partition(last.key), appending(last.value)),
            then: (
                LedgerRef.summary,
                { stored in
                    var all = earlier
                    all[last.key] = stored
                    return summaryEdits(all)
                }
            ), author: author, message: message)
    }

    /// Edits that append `lines` to each commit's note.
    private static func appending(_ lines: [ObjectID: [String]]) -> [ObjectID: ([String]) -> [String]] {
        lines.mapValues { added in { old in old + added } }
    }

    /// Recomputes the summaries of `part` for every commit it has a note on (after a merge).
    package static func resummarize(
        _ part: String, in repository: Repository, author: (name: String, email: String), message: String
    ) throws(GitError) {
        let ref = LedgerRef.partition(part)
        var changes: [ObjectID: NotesUpdate.Change] = [:]
        for commit in try repository.notedCommits(ref: ref) {
            // Nothing "before": the summary is computed afresh from the whole note.
            changes[commit] = NotesUpdate.Change(before: [], after: try repository.notes(for: commit, ref: ref))
        }
        try summarize([part: changes], in: repository, author: author, message: message, afresh: true)
    }

    private static func summarize(
        _ changes: [String: [ObjectID: NotesUpdate.Change]], in repository: Repository,
        author: (name: String, email: String), message: String, afresh: Bool = false
    ) throws(GitError) {
        let edits = summaryEdits(changes, afresh: afresh)
        guard !edits.isEmpty else { return }
        try repository.updateNotes(edits, ref: LedgerRef.summary, author: author, message: message)
    }

    /// The summary notes' edits for what the partitions stored: each commit's line of each
    /// partition replaced (see ``PartitionSummary/updated(by:on:)``).
    private static func summaryEdits(
        _ changes: [String: [ObjectID: NotesUpdate.Change]], afresh: Bool = false
    ) -> [ObjectID: ([String]) -> [String]] {
        var edits: [ObjectID: ([String]) -> [String]] = [:]
        for commit in Set(changes.values.flatMap(\.keys)) {
            let parts = changes.compactMap { part, notes in notes[commit].map { (part, $0) } }.sorted { $0.0 < $1.0 }
            edits[commit] = { old in
                var lines = old
                for (part, change) in parts {
                    let previous = PartitionSummary.find(part, in: lines)
                    let summary =
                        afresh
                        ? PartitionSummary(part: part, lines: change.after, on: commit)
                        : previous?.updated(by: change, on: commit)
                            ?? PartitionSummary(part: part, lines: change.after, on: commit)
                    if summary == previous { continue }
                    lines = PartitionSummary.replacing(summary, in: lines)
                }
                return lines
            }
        }
        return edits
    }
}
