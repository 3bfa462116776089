import Foundation
import SireCore
import SireEngine
import SireGit
import SireSpec
import SireStore

/// Rebuilds run history in the index from the runs ledger (`sire-git reindex`).
package enum LedgerReindex {
    /// How many run records were imported, and how many were left alone because the index
    /// already had them (or a run with the same workflow and trigger).
    package struct Result: Sendable, Hashable {
        package var imported: Int
        package var skipped: Int
        /// Records refused because they cannot be a finished run sire-git wrote, each with the
        /// reason (`commit: run 'ID': why`).
        package var invalid: [String] = []
    }

    /// Imports every run record of the ledger that the index does not have, as a finished run
    /// with its step rows. Idempotent. The definition is read from the record's blob when the
    /// repository has it (else left empty); inputs and events are not in the ledger.
    ///
    /// - Throws: ``ControllerError`` `io` when the repository or the index fails.
    package static func run(gitDirectory: String, store: Store) throws -> Result {
        let repository: Repository
        var records: [RunNote] = []
        var invalid: [String] = []
        do {
            repository = try Repository(path: gitDirectory)
            // Partitions oldest first, then version 1 records: with a run recorded twice, the
            // first seen is kept.
            let refs =
                try repository.referenceNames(matching: LedgerRef.partitionPrefix + "*").sorted() + [LedgerRef.runs]
            for ref in refs {
                for commit in try repository.notedCommits(ref: ref) {
                    for line in try repository.notes(for: commit, ref: ref) {
                        guard let note = RunNote.parse(line, on: commit) else { continue }
                        // The ledger is repository content anyone who can push may have written.
                        if let problem = problem(with: note) {
                            invalid.append("\(commit.short): run '\(note.run)': \(problem)".escapingControlCharacters)
                        } else {
                            records.append(note.resolvingBlob(in: repository))
                        }
                    }
                }
            }
        } catch {
            throw ControllerError(.io, "cannot read the runs ledger in \(gitDirectory)", cause: error)
        }
        // A run recorded twice (two lines that differ, e.g. written by different versions)
        // is imported once: the first seen wins.
        var seen: Set<String> = []
        records = records.filter { seen.insert($0.run).inserted }
        var definitions: [String: [UInt8]] = [:]
        var rows: [(RunRecord, [StepRecord])] = []
        for note in records {
            if definitions[note.blob] == nil {
                definitions[note.blob] =
                    ObjectID(note.blob).flatMap { try? repository.workflowFile(path: note.path, blob: $0).bytes } ?? []
            }
            rows.append(record(note, definition: definitions[note.blob] ?? []))
        }
        do {
            let imported = try store.transactionNow { tx in
                try rows.reduce(0) { count, row in count + (try tx.importRun(row.0, steps: row.1) ? 1 : 0) }
            }
            return Result(imported: imported, skipped: rows.count - imported, invalid: invalid)
        } catch {
            throw ControllerError(.io, "cannot import runs into the index", cause: error)
        }
    }

    /// Why `note` cannot be imported; nil when it can.
    static func problem(with note: RunNote) -> String? {
        guard RunID.isValid(note.run) else { return "not a run id" }
        guard let status = RunStatus(rawValue: note.status), status.isFinished else {
            return "status '\(note.status)' is not a finished run's"
        }
        guard WorkflowDecoder.isValidID(note.workflow) else {
            return "workflow '\(note.workflow)' is not a workflow id"
        }
        if let rerun = note.rerun_of, !RunID.isValid(rerun) { return "rerun_of '\(rerun)' is not a run id" }
        return nil
    }

    /// The index rows of a run record.
    package static func record(_ note: RunNote, definition: [UInt8]) -> (RunRecord, [StepRecord]) {
        let finished = RFC3339.parse(note.finished_at) ?? Date(timeIntervalSince1970: 0)
        let started = note.started_at.flatMap(RFC3339.parse)
        let created = note.created_at.flatMap(RFC3339.parse) ?? started ?? finished
        let run = RunRecord(
            id: note.run, workflowID: note.workflow, path: note.path, blob: note.blob,
            commit: PinnedCommit(sha: note.commit, tree: note.tree),
            trigger: RunTrigger(
                type: note.trigger.type, key: note.trigger.key),
            inputs: note.inputs ?? [:], definition: definition, status: RunStatus(rawValue: note.status) ?? .failed,
            rerunOf: note.rerun_of, createdAt: created, startedAt: started, finishedAt: finished, error: note.error,
            controller: note.controller)
        var imported = run
        imported.redactedInputs = note.redacted_inputs ?? []
        let steps = note.steps.sorted { $0.key < $1.key }.map { id, step in
            StepRecord(
                runID: note.run, stepID: id, status: StepStatus(rawValue: step.status) ?? .failed,
                attempts: step.attempts, durationMs: step.duration_ms, error: step.error)
        }
        return (imported, steps)
    }
}
