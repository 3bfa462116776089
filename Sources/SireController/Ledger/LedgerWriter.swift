import Foundation
import Logging
import SireCore
import SireGit
import SireStore

/// Writes the runs ledger from the index's outbox, and check records on demand.
///
/// Each finished run's record goes to a run partition (``LedgerPartition``) as a note on the
/// commit it was pinned to, and that commit's summary note is updated (``LedgerRecorder``).
/// The outbox row is cleared only after the notes commits exist, so a crash in between
/// rewrites the same line to the same partition on the next drain — and since notes are a
/// union of lines and the line is deterministic, the record still appears exactly once.
///
/// Git work blocks, so it runs on a private serial queue, off the Swift cooperative pool; the
/// queue also keeps this writer's drains from overlapping. Writers in other processes (or
/// other writers here) are safe too: notes refs move by compare-and-swap.
package final class LedgerWriter: Sendable {
    /// The repository's git directory.
    package let gitDirectory: String
    /// The index holding the outbox.
    package let store: Store
    /// Redacted from the inputs records carry.
    package let secrets: Secrets
    private let logger: Logger
    private let blocking = Blocking(label: "sire.ledger.writer")

    package init(
        gitDirectory: String, store: Store, secrets: Secrets = Secrets(), logger: Logger = Logger(label: "sire.ledger")
    ) {
        self.gitDirectory = gitDirectory
        self.store = store
        self.secrets = secrets
        self.logger = logger
    }

    /// Writes a record for every run in the outbox, `batch` runs per notes commit, then clears
    /// their outbox rows; returns how many runs were recorded.
    ///
    /// A run pinned to a commit the repository does not have is recorded all the same (a note
    /// can annotate any object id). A run whose record cannot be built at all (its pinned
    /// commit is not a full SHA) gets `last_error` in the outbox and is skipped from then on.
    ///
    /// - Throws: ``ControllerError`` `io` when the repository or the index fails; the runs of
    ///   the failed batch stay in the outbox for the next drain.
    package func drain(batch: Int = 500) async throws -> Int {
        try await blocking.run { try self.drainNow(batch: batch) }
    }

    /// Copies version 1 run records into partitions (``LedgerMigration``), off the cooperative
    /// pool and never during a drain.
    package func migrate() async throws -> LedgerMigration.Result {
        let gitDirectory = self.gitDirectory
        return try await blocking.run { try LedgerMigration.run(gitDirectory: gitDirectory) }
    }

    /// ``drain(batch:)`` on the calling thread, for command-line use and benchmarks; with
    /// `once`, only one batch.
    package func drainNow(batch: Int = 500, once: Bool = false) throws -> Int {
        let repository = try open()
        let author = LedgerIdentity.author(for: repository)
        var written = 0
        while true {
            let entries = try index { try store.snapshot { tx in try tx.pendingOutbox(limit: max(1, batch)) } }
            SireMetrics.outbox(entries.count)
            if entries.isEmpty { break }
            let rows = try index {
                try store.snapshot { tx in
                    try entries.map { entry in (entry, try tx.run(entry.runID), try tx.steps(of: entry.runID)) }
                }
            }
            var notes: [(entry: (runID: String, partition: String?), commit: ObjectID, note: RunNote)] = []
            var recorded: [String] = []
            var failures: [(String, String)] = []
            for (entry, run, steps) in rows {
                guard let run else {
                    // Deleted meanwhile: nothing to record, and the row must not come back.
                    recorded.append(entry.runID)
                    continue
                }
                // Runs with mocked tools (`run --mock-file`) did not really happen: not recorded.
                if run.trigger.type == RunTrigger.mock {
                    recorded.append(entry.runID)
                    continue
                }
                guard let commit = ObjectID(run.commit.sha) else {
                    failures.append((entry.runID, "pinned commit '\(run.commit.sha)' is not a full object id"))
                    continue
                }
                notes.append((entry, commit, RunNote.make(run: run, steps: steps, secrets: secrets)))
                recorded.append(entry.runID)
            }
            if !notes.isEmpty {
                let files = CommitFiles(repository)
                let partitions = try assignPartitions(notes.map(\.entry))
                var lines: [String: [ObjectID: [String]]] = [:]
                for (entry, commit, note) in notes {
                    lines[partitions[entry.runID, default: ""], default: [:]][commit, default: []].append(
                        note.line(on: commit, files: files))
                }
                do {
                    try LedgerRecorder.record(
                        lines, in: repository, author: author,
                        message: "sire-git: record \(notes.count) run\(notes.count == 1 ? "" : "s")")
                } catch {
                    SireMetrics.ledgerWriteFailed(.run, count: notes.count)
                    throw ControllerError(.io, "cannot write the runs ledger in \(gitDirectory)", cause: error)
                }
                SireMetrics.ledgerWritten(.run, count: notes.count)
            }
            try index {
                try store.transactionNow { tx in
                    for (id, reason) in failures { try tx.failOutbox(id, error: reason) }
                    try tx.clearOutbox(recorded)
                }
            }
            SireMetrics.ledgerWriteFailed(.run, count: failures.count)
            if entries.count < batch { SireMetrics.outbox(0) }
            for (id, reason) in failures {
                logger.error("run not recorded in the ledger", metadata: ["run.id": "\(id)", "error": "\(reason)"])
            }
            written += recorded.count
            if entries.count < batch || once { break }
        }
        if written > 0 { logger.debug("runs recorded in the ledger", metadata: ["count": "\(written)"]) }
        return written
    }

    /// The partition of each entry: the one it was given before (a record rewritten after a
    /// crash must land where the first write put it), else the next place in the writer's
    /// current partition, kept in the index.
    private func assignPartitions(_ entries: [(runID: String, partition: String?)]) throws -> [String: String] {
        var assigned: [String: String] = [:]
        for entry in entries { if let partition = entry.partition { assigned[entry.runID] = partition } }
        let fresh = entries.filter { $0.partition == nil }
        guard !fresh.isEmpty else { return assigned }
        let now = Date()
        return try index {
            try store.transactionNow { tx in
                var cursor =
                    try tx.controllerValue(LedgerPartition.stateKey).flatMap(LedgerPartition.init(state:))
                    ?? LedgerPartition(writer: LedgerPartition.newWriter(), opening: now)
                for entry in fresh {
                    let partition = cursor.take(at: now)
                    try tx.assignOutbox(entry.runID, partition: partition)
                    assigned[entry.runID] = partition
                }
                try tx.setControllerValue(LedgerPartition.stateKey, cursor.state)
                return assigned
            }
        }
    }

    /// Appends a check record to `refs/notes/sire/checks` on its commit, at once.
    ///
    /// - Throws: ``ControllerError`` `usage` when `note.commit` is not a full SHA, `io` when
    ///   the repository cannot be written.
    package func writeCheck(_ note: CheckNote) throws {
        try Self.writeCheck(note, gitDirectory: gitDirectory)
    }

    /// ``writeCheck(_:)`` without an index, for `sire-git check --write-note`.
    package static func writeCheck(_ note: CheckNote, gitDirectory: String) throws {
        guard let commit = ObjectID(note.commit) else {
            throw ControllerError(.usage, "a check record needs a full commit SHA, got '\(note.commit)'")
        }
        do {
            let repository = try Repository(path: gitDirectory)
            try repository.appendNotes(
                [commit: [note.line()]], ref: LedgerRef.checks, author: LedgerIdentity.author(for: repository),
                message: "sire-git: check \(commit.short)")
            SireMetrics.ledgerWritten(.check)
        } catch {
            SireMetrics.ledgerWriteFailed(.check)
            throw ControllerError(.io, "cannot write the checks ledger in \(gitDirectory)", cause: error)
        }
    }

    private func open() throws -> Repository {
        do {
            return try Repository(path: gitDirectory)
        } catch {
            throw ControllerError(.io, "cannot open the repository \(gitDirectory)", cause: error)
        }
    }

    private func index<T>(_ work: () throws -> T) throws -> T {
        do {
            return try work()
        } catch let error as ControllerError {
            throw error
        } catch {
            throw ControllerError(.io, "the index failed while writing the ledger", cause: error)
        }
    }
}
