import Foundation
import SireGit

/// What one run partition holds for one commit, as a line of that commit's note in
/// `refs/notes/sire/summary`: how many lines the partition's note has, the runs by workflow and
/// status, and the latest finish. `status` and `log` read these instead of the records.
///
/// A summary line is a function of the partition's note alone. Writers replace the line of
/// the partition they wrote; a union merge of two ledgers can leave two lines for one
/// partition, and readers take the one with the most lines (partition notes only grow, and
/// a merge recomputes the lines of partitions it merged), so summaries add up however the
/// ledger was copied around.
package struct PartitionSummary: Codable, Sendable, Hashable {
    package var v = 2
    /// The partition name (`2026-12/k3f9qa.0001`).
    package var part: String
    /// Lines in the partition's note for the commit (records, each once).
    package var n: Int
    /// The latest `finished_at` among them (RFC 3339 UTC, ms); empty when none parses.
    package var last: String
    /// Runs by workflow id, then by status.
    package var runs: [String: [String: Int]]

    /// The summary of `lines`, the partition `part`'s note on `commit`.
    package init(part: String, lines: [String], on commit: ObjectID) {
        self.part = part
        self.n = 0
        self.last = ""
        self.runs = [:]
        add(lines, on: commit)
    }

    /// Counts `lines` in, appended to the partition's note.
    package mutating func add(_ lines: [String], on commit: ObjectID) {
        n += lines.count
        for note in lines.compactMap({ RunNote.parse($0, on: commit) }) {
            runs[note.workflow, default: [:]][note.status, default: 0] += 1
            // Same format and zone throughout: the text order is the time order.
            if note.finished_at > last { last = note.finished_at }
        }
    }

    /// The summary after the partition's note went from `change.before` to `change.after`:
    /// this one plus the appended lines when it matches `before`, else computed afresh (a
    /// summary write was lost to a crash, or the note was merged).
    package func updated(by change: NotesUpdate.Change, on commit: ObjectID) -> PartitionSummary {
        let appended = change.after.count - change.before.count
        guard n == change.before.count, appended >= 0,
            Array(change.after.prefix(change.before.count)) == change.before
        else { return PartitionSummary(part: part, lines: change.after, on: commit) }
        var next = self
        next.add(Array(change.after.suffix(appended)), on: commit)
        return next
    }

    /// The line, keys sorted.
    package func line() -> String { LedgerJSON.line(self) }

    /// The summary lines of a commit's note, one per partition (the fullest when a merge left
    /// several), by partition name.
    package static func parse(_ lines: [String]) -> [String: PartitionSummary] {
        var best: [String: (PartitionSummary, String)] = [:]
        for line in lines {
            guard let summary = LedgerJSON.decode(PartitionSummary.self, line), summary.v == 2,
                LedgerPartition.isValidName(summary.part)
            else { continue }
            if let (other, otherLine) = best[summary.part], (other.n, otherLine) >= (summary.n, line) { continue }
            best[summary.part] = (summary, line)
        }
        return best.mapValues(\.0)
    }

    /// The fullest summary of partition `part` among a commit's summary lines.
    static func find(_ part: String, in lines: [String]) -> PartitionSummary? {
        // Only lines naming the partition are decoded: a commit deployed for months has a line
        // for every partition since, and this runs on every ledger write.
        let marker = "\"part\":" + LedgerJSON.line(part)
        return parse(lines.filter { $0.contains(marker) })[part]
    }

    /// A commit's summary note with `summary` replacing every line of its partition.
    static func replacing(_ summary: PartitionSummary, in lines: [String]) -> [String] {
        let marker = "\"part\":" + LedgerJSON.line(summary.part)
        return lines.filter {
            !$0.contains(marker) || LedgerJSON.decode(PartitionSummary.self, $0)?.part != summary.part
        } + [summary.line()]
    }
}
