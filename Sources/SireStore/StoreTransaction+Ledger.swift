import Foundation
import GRDB
import SireCore

/// The ledger's side of the index: the outbox entries a writer can still try, their failures,
/// and runs imported back from the ledger by `reindex`.
extension StoreTransaction {
    /// Outbox entries with no recorded failure, oldest first: what a ledger writer drains.
    /// An entry whose record could not be built (see ``failOutbox(_:error:)``) stays for an
    /// operator to see but no longer holds up the others.
    /// Each comes with the ledger partition it was assigned to, if it was.
    public func pendingOutbox(limit: Int = 500) throws -> [(runID: String, partition: String?)] {
        try Row.fetchAll(
            db.cachedStatement(
                sql:
                    "SELECT run_id, partition FROM outbox WHERE last_error IS NULL ORDER BY created_at, run_id LIMIT ?"
            ),
            arguments: [limit]
        ).map { ($0["run_id"], $0["partition"]) }
    }

    /// Assigns an outbox entry to the ledger partition its record is written to.
    public func assignOutbox(_ runID: String, partition: String) throws {
        try db.cachedStatement(sql: "UPDATE outbox SET partition = ? WHERE run_id = ?")
            .execute(arguments: [partition, runID])
    }

    /// Records why a run's ledger record cannot be written (counted in `attempts`).
    public func failOutbox(_ runID: String, error: String) throws {
        try db.cachedStatement(sql: "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE run_id = ?")
            .execute(arguments: [error, runID])
    }

    /// Outbox entries that failed, with their error, oldest first.
    public func failedOutbox() throws -> [(runID: String, error: String)] {
        try Row.fetchAll(
            db, sql: "SELECT run_id, last_error FROM outbox WHERE last_error IS NOT NULL ORDER BY created_at"
        ).map { ($0["run_id"], $0["last_error"]) }
    }

    /// Inserts a finished run read back from the ledger, with its step rows, unless the index
    /// already has a run with that id (or with its workflow and trigger). Returns whether it
    /// was inserted. Nothing goes to the outbox: the run is already in the ledger.
    public func importRun(_ run: RunRecord, steps: [StepRecord]) throws -> Bool {
        try insertRunRow(run, ifAbsent: true)
        guard db.changesCount > 0 else { return false }
        for step in steps { try saveStep(step) }
        return true
    }
}
