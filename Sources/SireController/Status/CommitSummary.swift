import Foundation
import SireGit

/// A commit's ledger at a glance, for `sire-git log`: the check record's verdict and the count
/// of runs by outcome, from the summary note (see ``CommitRuns``).
package struct CommitSummary: Codable, Sendable, Hashable {
    /// The verdict of a commit's check record.
    package enum Check: String, Codable, Sendable, Hashable {
        /// Every recorded workflow is valid.
        case valid
        /// At least one workflow is invalid.
        case invalid
        /// The controller refused the commit.
        case refused
        /// No check record.
        case none
    }

    /// The commit.
    package var commit: CommitStatus.Commit
    /// The check record's verdict.
    package var check: Check
    /// How many workflows the check record lists as invalid.
    package var invalid: Int
    /// Runs by status (`succeeded`, `failed`, `cancelled`), one per run id.
    package var runs: [String: Int]

    /// Reads the summary of `commit` from the ledger.
    ///
    /// The controller's record wins over a `check --write-note` record when both exist.
    ///
    /// - Throws: ``ControllerError`` `io` when the notes cannot be read.
    package static func read(_ commit: CommitInfo, in repository: Repository) throws -> CommitSummary {
        let checkLines: [String], counts: [String: [String: Int]]
        do {
            checkLines = try repository.notes(for: commit.id, ref: LedgerRef.checks)
            counts = try CommitRuns.read(commit.id, in: repository, limit: 0).counts
        } catch {
            throw ControllerError(.io, "cannot read the ledger of \(commit.id.description.prefix(7))", cause: error)
        }
        let record =
            CommitStatusReader.controllerRecord(in: checkLines)
            ?? checkLines.compactMap(CheckNote.parse).max { ($0.at ?? "", $0.line()) < ($1.at ?? "", $1.line()) }
        let invalid = record?.workflows.values.count { !$0.valid } ?? 0
        let check: Check =
            switch record {
            case nil: .none
            case let record? where record.refused != nil: .refused
            case _ where invalid > 0: .invalid
            default: .valid
            }
        var runs: [String: Int] = [:]
        for (status, count) in counts.values.joined() { runs[status, default: 0] += count }
        return CommitSummary(
            commit: CommitStatusReader.describe(commit), check: check, invalid: invalid, runs: runs)
    }
}
