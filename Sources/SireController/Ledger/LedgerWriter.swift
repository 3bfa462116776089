import Foundation
import Logging
import SireCore
import SireGit
import SireStore

/// Writes the runs ledger from the index's outbox, and check records on demand.
///
/// Each finished run's record goes to `refs/notes/sire/runs` on the commit it was pinned to.
/// The outbox row is cleared only after the notes commit holding the record exists, so a
/// crash in between rewrites the same line on the next drain — and since notes are a union of
/// lines and the line is deterministic, the record still appears exactly once.
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

    /// ``drain(batch:)`` on the calling thread, for command-line use and benchmarks.
    package func drainNow(batch: Int = 500) throws -> Int {
        let repository = try open()
        let author = LedgerIdentity.author(for: repository)
        var written = 0
        while true {
            let ids = try index { try store.snapshot { tx in try tx.pendingOutbox(limit: max(1, batch)) } }
            SireMetrics.outbox(ids.count)
            if ids.isEmpty { break }
            let rows = try index {
                try store.snapshot { tx in try ids.map { id in (id, try tx.run(id), try tx.steps(of: id)) } }
            }
            var lines: [ObjectID: [String]] = [:]
            var recorded: [String] = []
            var failures: [(String, String)] = []
            for (id, run, steps) in rows {
                guard let run else {
                    // Deleted meanwhile: nothing to record, and the row must not come back.
                    recorded.append(id)
                    continue
                }
                // Runs with mocked tools (`run --mock-file`) did not really happen: not recorded.
                if run.trigger.type == RunTrigger.mock {
                    recorded.append(id)
                    continue
                }
                guard let commit = ObjectID(run.commit.sha) else {
                    failures.append((id, "pinned commit '\(run.commit.sha)' is not a full object id"))
                    continue
                }
                lines[commit, default: []].append(RunNote.make(run: run, steps: steps, secrets: secrets).line())
                recorded.append(id)
            }
            if !lines.isEmpty {
                do {
                    try repository.appendNotes(
                        lines, ref: LedgerRef.runs, author: author,
                        message: "sire-git: record \(recorded.count) run\(recorded.count == 1 ? "" : "s")")
                } catch {
                    SireMetrics.ledgerWriteFailed(.run, count: lines.values.joined().count)
                    throw ControllerError(.io, "cannot write the runs ledger in \(gitDirectory): \(error)")
                }
                SireMetrics.ledgerWritten(.run, count: lines.values.joined().count)
            }
            try index {
                try store.transactionNow { tx in
                    for (id, reason) in failures { try tx.failOutbox(id, error: reason) }
                    try tx.clearOutbox(recorded)
                }
            }
            SireMetrics.ledgerWriteFailed(.run, count: failures.count)
            if ids.count < batch { SireMetrics.outbox(0) }
            for (id, reason) in failures {
                logger.error("run not recorded in the ledger", metadata: ["run.id": "\(id)", "error": "\(reason)"])
            }
            written += recorded.count
            if ids.count < batch { break }
        }
        if written > 0 { logger.debug("runs recorded in the ledger", metadata: ["count": "\(written)"]) }
        return written
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
            throw ControllerError(.io, "cannot write the checks ledger in \(gitDirectory): \(error)")
        }
    }

    private func open() throws -> Repository {
        do {
            return try Repository(path: gitDirectory)
        } catch {
            throw ControllerError(.io, "cannot open the repository \(gitDirectory): \(error)")
        }
    }

    private func index<T>(_ work: () throws -> T) throws -> T {
        do {
            return try work()
        } catch let error as ControllerError {
            throw error
        } catch {
            throw ControllerError(.io, "the index failed while writing the ledger: \(error)")
        }
    }
}
