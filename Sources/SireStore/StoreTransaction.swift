import Foundation
import GRDB
import SireCore

/// The typed operations on the index inside one transaction (or one read snapshot), so the
/// engine can group several changes into one atomic, durable commit without knowing SQL.
public struct StoreTransaction {
    let db: Database
    let artifacts: ArtifactStore

    // MARK: runs

    /// Inserts a run with its steps' rows. When a run with the same workflow and trigger
    /// already exists, nothing is inserted and that run is returned (`created` false): a
    /// schedule tick or a push never yields two runs.
    public func insertRun(_ run: RunRecord, steps: [String]) throws -> (run: RunRecord, created: Bool) {
        if let existing = try Row.fetchOne(
            db.cachedStatement(
                sql: "SELECT * FROM runs WHERE workflow_id = ? AND trigger_type = ? AND trigger_key = ?"),
            arguments: [run.workflowID, run.trigger.type, run.trigger.key])
        {
            return (try Self.run(existing), false)
        }
        try insertRunRow(run, ifAbsent: false)
        let insertStep = try db.cachedStatement(
            sql: "INSERT INTO steps (run_id, step_id, item, status) VALUES (?, ?, -1, 'pending')")
        for step in steps { try insertStep.execute(arguments: [run.id, step]) }
        return (run, true)
    }

    /// Inserts a run's row (no steps). With `ifAbsent`, an existing id or workflow+trigger makes
    /// it a no-op (`db.changesCount` tells).
    func insertRunRow(_ run: RunRecord, ifAbsent: Bool) throws {
        try db.cachedStatement(
            sql: """
                INSERT \(ifAbsent ? "OR IGNORE " : "")INTO runs (id, workflow_id, path, blob, commit_sha, tree_sha, ref,
                  git_message, git_author, trigger_type, trigger_key, inputs, definition, status, rerun_of, created_at,
                  started_at, finished_at, error, cancel_requested, controller, redacted_inputs)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            run.id, run.workflowID, run.path, run.blob, run.commit.sha, run.commit.tree, run.commit.ref,
            run.commit.message, run.commit.author, run.trigger.type, run.trigger.key,
            Value.object(run.inputs).jsonString(), Data(run.definition), run.status.rawValue, run.rerunOf,
            run.createdAt.epochMilliseconds, run.startedAt?.epochMilliseconds, run.finishedAt?.epochMilliseconds,
            run.error, run.cancelRequested, run.controller,
            Value.array(run.redactedInputs.map(Value.string)).jsonString(),
        ])
    }

    /// Moves a run to `status`. A finished run is queued in the ledger outbox in the same
    /// transaction, so its record is written exactly once even across crashes.
    public func setRunStatus(_ id: String, _ status: RunStatus, at time: Date = Date(), error: String? = nil) throws {
        switch status {
        case .running:
            try db.cachedStatement(
                sql: "UPDATE runs SET status = 'running', started_at = COALESCE(started_at, ?) WHERE id = ?"
            ).execute(arguments: [time.epochMilliseconds, id])
        case .queued:
            try db.cachedStatement(sql: "UPDATE runs SET status = 'queued' WHERE id = ?").execute(arguments: [id])
        case .succeeded, .failed, .cancelled:
            try db.cachedStatement(
                sql: "UPDATE runs SET status = ?, finished_at = ?, error = ? WHERE id = ? AND finished_at IS NULL"
            ).execute(arguments: [status.rawValue, time.epochMilliseconds, error, id])
            if db.changesCount > 0 {
                try db.cachedStatement(sql: "INSERT OR IGNORE INTO outbox (run_id, created_at) VALUES (?, ?)")
                    .execute(arguments: [id, time.epochMilliseconds])
            }
        }
    }

    /// Takes the lease on a run for `owner` until `until`, if nobody else holds a live one
    /// (`stale` owners, e.g. processes known to be dead, count as expired; `alive` owners, known
    /// to be running, keep their runs even past their lease). Returns whether the caller now
    /// owns the run: only the owner executes it.
    public func claimRun(
        _ id: String, owner: String, until: Date, now: Date = Date(), stale: Set<String> = [],
        alive: Set<String> = []
    ) throws -> Bool {
        let current = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT owner, lease_until, finished_at FROM runs WHERE id = ?"), arguments: [id])
        guard let current, (current["finished_at"] as Int64?) == nil else { return false }
        let holder: String? = current["owner"]
        let expiry: Int64 = current["lease_until"] ?? 0
        guard
            holder == nil || holder == owner || stale.contains(holder!)
                || (expiry < now.epochMilliseconds && !alive.contains(holder!))
        else {
            return false
        }
        try db.cachedStatement(sql: "UPDATE runs SET owner = ?, lease_until = ? WHERE id = ?")
            .execute(arguments: [owner, until.epochMilliseconds, id])
        return true
    }

    /// Extends the leases `owner` holds on unfinished runs.
    public func renewLeases(owner: String, until: Date) throws {
        try db.cachedStatement(
            sql: "UPDATE runs INDEXED BY runs_unfinished SET lease_until = ? WHERE owner = ? AND finished_at IS NULL"
        )
        .execute(arguments: [until.epochMilliseconds, owner])
    }

    /// The owners holding leases on unfinished runs.
    public func leaseOwners() throws -> Set<String> {
        Set(
            try String.fetchAll(
                db,
                sql:
                    "SELECT DISTINCT owner FROM runs INDEXED BY runs_unfinished WHERE finished_at IS NULL AND owner IS NOT NULL"
            ))
    }

    /// Asks the process running `id` to cancel it (it polls for this).
    public func requestCancel(_ id: String) throws -> Bool {
        try db.cachedStatement(sql: "UPDATE runs SET cancel_requested = 1 WHERE id = ? AND finished_at IS NULL")
            .execute(arguments: [id])
        return db.changesCount > 0
    }

    public func run(_ id: String) throws -> RunRecord? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM runs WHERE id = ?"), arguments: [id]).map(Self.run)
    }

    /// Runs matching the filters, newest first; `before` is a run id to continue after (cursor).
    public func runs(
        workflow: String? = nil, status: RunStatus? = nil, commit: String? = nil, limit: Int = 50,
        before: String? = nil
    ) throws -> [RunRecord] {
        var clauses: [String] = []
        var arguments: StatementArguments = []
        if let workflow {
            clauses.append("workflow_id = ?")
            arguments += [workflow]
        }
        if let status {
            clauses.append("status = ?")
            arguments += [status.rawValue]
        }
        if let commit {
            clauses.append("commit_sha LIKE ?")
            arguments += [commit + "%"]
        }
        if let before {
            clauses.append("(created_at, id) < (SELECT created_at, id FROM runs WHERE id = ?)")
            arguments += [before]
        }
        let filter = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        arguments += [limit]
        return try Row.fetchAll(
            db, sql: "SELECT * FROM runs \(filter) ORDER BY created_at DESC, id DESC LIMIT ?", arguments: arguments
        ).map(Self.run)
    }

    /// Ids of runs starting with `prefix` (at most `limit`), through the primary key's index.
    public func runIDs(withPrefix prefix: String, limit: Int = 2) throws -> [String] {
        try String.fetchAll(
            db.cachedStatement(sql: "SELECT id FROM runs WHERE id >= ? AND id < ? ORDER BY id LIMIT ?"),
            arguments: [prefix, prefix + "\u{FFFF}", limit])
    }

    /// Runs that have not finished: what a restarted engine resumes.
    public func unfinishedRuns() throws -> [RunRecord] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM runs INDEXED BY runs_unfinished WHERE finished_at IS NULL ORDER BY created_at"
        ).map(Self.run)
    }

    /// Run ids whose cancellation was requested and that have not finished.
    public func cancelRequests(among ids: [String]) throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: ids.count).joined(separator: ",")
        return Set(
            try String.fetchAll(
                db, sql: "SELECT id FROM runs WHERE cancel_requested = 1 AND finished_at IS NULL AND id IN (\(marks))",
                arguments: StatementArguments(ids)))
    }

    // MARK: steps

    /// Writes a step's (or item's) state, replacing what was there.
    public func saveStep(_ step: StepRecord) throws {
        let (inline, artifact) = StoredOutput.columns(step.output)
        try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO steps (run_id, step_id, item, status, attempts, next_attempt_at, started_at,
                  finished_at, duration_ms, output, artifact, error)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            step.runID, step.stepID, step.item, step.status.rawValue, step.attempts,
            step.nextAttemptAt?.epochMilliseconds, step.startedAt?.epochMilliseconds,
            step.finishedAt?.epochMilliseconds, step.durationMs, inline, artifact, step.error,
        ])
    }

    /// Every step and item row of a run, in step/item order.
    public func steps(of runID: String) throws -> [StepRecord] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM steps WHERE run_id = ? ORDER BY step_id, item"),
            arguments: [runID]
        ).map { row in
            let output = StoredOutput(inline: row["output"], artifact: row["artifact"])
            return StepRecord(
                runID: row["run_id"], stepID: row["step_id"], item: row["item"],
                status: StepStatus(rawValue: row["status"]) ?? .pending, attempts: row["attempts"],
                nextAttemptAt: (row["next_attempt_at"] as Int64?).map(Date.init(epochMilliseconds:)),
                startedAt: (row["started_at"] as Int64?).map(Date.init(epochMilliseconds:)),
                finishedAt: (row["finished_at"] as Int64?).map(Date.init(epochMilliseconds:)),
                durationMs: row["duration_ms"], output: output, error: row["error"])
        }
    }

    /// Decodes a stored output (reading the artifact file when it is one).
    public func value(of output: StoredOutput) throws -> Value {
        let text: String
        switch output {
        case .inline(let inline): text = inline
        case .artifact(let digest): text = String(decoding: try artifacts.get(digest), as: UTF8.self)
        }
        do {
            return try Value.parseJSON(text)
        } catch {
            throw StoreError(.corrupt, "a stored step output is not valid JSON", cause: error)
        }
    }

    // MARK: events

    /// Appends an event; returns its sequence number.
    @discardableResult
    public func appendEvent(_ event: EventRecord) throws -> Int64 {
        try db.cachedStatement(
            sql: "INSERT INTO events (run_id, at, kind, step_id, item, attempt, data) VALUES (?, ?, ?, ?, ?, ?, ?)"
        ).execute(arguments: [
            event.runID, event.at.epochMilliseconds, event.kind, event.stepID, event.item, event.attempt,
            event.data?.jsonString(),
        ])
        return db.lastInsertedRowID
    }

    /// A run's events after `seq`, oldest first.
    public func events(of runID: String, after seq: Int64 = 0, limit: Int = 10_000) throws -> [EventRecord] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?"),
            arguments: [runID, seq, limit]
        ).map { row in
            EventRecord(
                seq: row["seq"], runID: row["run_id"], at: Date(epochMilliseconds: row["at"]), kind: row["kind"],
                stepID: row["step_id"], item: row["item"], attempt: row["attempt"],
                data: (row["data"] as String?).flatMap { try? Value.parseJSON($0) })
        }
    }

    // MARK: outbox

    /// Marks runs' ledger records as written.
    public func clearOutbox(_ runIDs: [String]) throws {
        let statement = try db.cachedStatement(sql: "DELETE FROM outbox WHERE run_id = ?")
        for id in runIDs { try statement.execute(arguments: [id]) }
    }

    // MARK: cache

    /// A cached output for `key`, if one has not expired at `now`.
    public func cachedOutput(_ key: String, now: Date = Date()) throws -> StoredOutput? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT output, artifact FROM cache WHERE key = ? AND expires_at > ?"),
                arguments: [key, now.epochMilliseconds])
        else { return nil }
        return StoredOutput(inline: row["output"], artifact: row["artifact"])
    }

    public func cacheOutput(_ key: String, _ output: StoredOutput, expires: Date, now: Date = Date()) throws {
        let (inline, artifact) = StoredOutput.columns(output)
        try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO cache (key, output, artifact, created_at, expires_at) VALUES (?, ?, ?, ?, ?)"
        ).execute(arguments: [key, inline, artifact, now.epochMilliseconds, expires.epochMilliseconds])
    }

    // MARK: decoding

    static func run(_ row: Row) throws -> RunRecord {
        let inputs: [String: Value]
        if case .object(let object) = try Value.parseJSON(row["inputs"]) { inputs = object } else { inputs = [:] }
        let definition: Data = row["definition"]
        var redacted: [String] = []
        if case .array(let names) = try Value.parseJSON(row["redacted_inputs"]) {
            redacted = names.compactMap { if case .string(let name) = $0 { name } else { nil } }
        }
        var record = RunRecord(
            id: row["id"], workflowID: row["workflow_id"], path: row["path"], blob: row["blob"],
            commit: PinnedCommit(
                sha: row["commit_sha"], tree: row["tree_sha"], ref: row["ref"], message: row["git_message"],
                author: row["git_author"]),
            trigger: RunTrigger(type: row["trigger_type"], key: row["trigger_key"]), inputs: inputs,
            definition: [UInt8](definition), status: RunStatus(rawValue: row["status"]) ?? .queued,
            rerunOf: row["rerun_of"], createdAt: Date(epochMilliseconds: row["created_at"]),
            startedAt: (row["started_at"] as Int64?).map(Date.init(epochMilliseconds:)),
            finishedAt: (row["finished_at"] as Int64?).map(Date.init(epochMilliseconds:)), error: row["error"],
            cancelRequested: row["cancel_requested"], controller: row["controller"])
        record.redactedInputs = redacted
        return record
    }
}

extension Store {
    /// Runs `work` in a batched, durable write transaction.
    public func transaction<T: Sendable>(_ work: @escaping @Sendable (StoreTransaction) throws -> T) async throws -> T {
        let artifacts = self.artifacts
        return try await write { db in try work(StoreTransaction(db: db, artifacts: artifacts)) }
    }

    /// Queues a transaction without waiting for its commit.
    public func transactionLater(_ work: @escaping @Sendable (StoreTransaction) throws -> Void) {
        let artifacts = self.artifacts
        writeLater { db in try work(StoreTransaction(db: db, artifacts: artifacts)) }
    }

    /// Runs `work` in a write transaction on the calling thread.
    public func transactionNow<T>(_ work: (StoreTransaction) throws -> T) throws -> T {
        try writeNow { db in try work(StoreTransaction(db: db, artifacts: artifacts)) }
    }

    /// Reads a consistent snapshot.
    public func snapshot<T>(_ work: (StoreTransaction) throws -> T) throws -> T {
        try read { db in try work(StoreTransaction(db: db, artifacts: artifacts)) }
    }

    /// Encodes an output for storage, moving it to an artifact file when it is over 64 KiB.
    /// Call before the transaction that saves it: the file must exist before a row names it.
    public func prepareOutput(_ value: Value) throws -> StoredOutput {
        let text = value.jsonString()
        if text.utf8.count <= ArtifactStore.inlineLimit { return .inline(text) }
        return .artifact(try artifacts.put(Array(text.utf8)))
    }
}

extension StoredOutput {
    /// The `output` and `artifact` columns that hold it.
    static func columns(_ output: StoredOutput?) -> (inline: String?, artifact: String?) {
        switch output {
        case .inline(let text): (text, nil)
        case .artifact(let digest): (nil, digest)
        case nil: (nil, nil)
        }
    }

    /// Read back from the `output` and `artifact` columns.
    init?(inline: String?, artifact: String?) {
        if let artifact {
            self = .artifact(artifact)
        } else if let inline {
            self = .inline(inline)
        } else {
            return nil
        }
    }
}
