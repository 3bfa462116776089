import Foundation
import GRDB
import SireCore

/// The controller's own state: deployments, its bookmarks (last reconciled commit) and the
/// last schedule tick handled per workflow.
extension StoreTransaction {
    // MARK: deployments

    /// Every deployment, retired ones included, by workflow id.
    public func deployments() throws -> [Deployment] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM deployments ORDER BY workflow_id"))
            .map(Self.deployment)
    }

    public func deployment(_ workflowID: String) throws -> Deployment? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM deployments WHERE workflow_id = ?"), arguments: [workflowID]
        ).map(Self.deployment)
    }

    /// The live (not retired) deployments whose attempted version is at one of `paths`.
    public func liveDeployments(atPaths paths: [String]) throws -> [Deployment] {
        var out: [Deployment] = []
        // SQLite caps bound parameters; ask in chunks.
        var start = 0
        while start < paths.count {
            let chunk = Array(paths[start..<min(paths.count, start + 500)])
            start += chunk.count
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            out += try Row.fetchAll(
                db, sql: "SELECT * FROM deployments WHERE retired_at IS NULL AND path IN (\(marks))",
                arguments: StatementArguments(chunk)
            ).map(Self.deployment)
        }
        return out
    }

    /// The live deployments whose newest version is invalid (the last good one keeps running).
    public func invalidLiveDeployments() throws -> [Deployment] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT * FROM deployments WHERE retired_at IS NULL AND valid = 0 ORDER BY workflow_id")
        ).map(Self.deployment)
    }

    /// How many workflows are live (not retired).
    public func liveDeploymentCount() throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM deployments WHERE retired_at IS NULL")) ?? 0
    }

    /// Inserts or replaces the deployment of `deployment.workflowID`.
    public func saveDeployment(_ deployment: Deployment) throws {
        try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO deployments (workflow_id, path, attempted_commit, attempted_blob, valid,
                  diagnostics, applied_commit, applied_path, applied_blob, retired_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            deployment.workflowID, deployment.path, deployment.attemptedCommit, deployment.attemptedBlob,
            deployment.valid, deployment.diagnostics, deployment.appliedCommit, deployment.appliedPath,
            deployment.appliedBlob, deployment.retiredAt?.epochMilliseconds, deployment.updatedAt.epochMilliseconds,
        ])
    }

    static func deployment(_ row: Row) -> Deployment {
        Deployment(
            workflowID: row["workflow_id"], path: row["path"], attemptedCommit: row["attempted_commit"],
            attemptedBlob: row["attempted_blob"], valid: row["valid"], diagnostics: row["diagnostics"],
            appliedCommit: row["applied_commit"], appliedPath: row["applied_path"], appliedBlob: row["applied_blob"],
            retiredAt: (row["retired_at"] as Int64?).map(Date.init(epochMilliseconds:)),
            updatedAt: Date(epochMilliseconds: row["updated_at"]))
    }

    // MARK: bookmarks

    /// A value the controller keeps between restarts (`reconciled_commit`, ...).
    public func controllerValue(_ key: String) throws -> String? {
        try String.fetchOne(
            db.cachedStatement(sql: "SELECT value FROM controller_state WHERE key = ?"), arguments: [key])
    }

    public func setControllerValue(_ key: String, _ value: String?) throws {
        if let value {
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO controller_state (key, value) VALUES (?, ?)")
                .execute(arguments: [key, value])
        } else {
            try db.cachedStatement(sql: "DELETE FROM controller_state WHERE key = ?").execute(arguments: [key])
        }
    }

    // MARK: schedules

    /// The last schedule tick handled (fired or deliberately skipped) for a workflow.
    public func lastTick(_ workflowID: String) throws -> Date? {
        try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT last_tick FROM schedule_ticks WHERE workflow_id = ?"),
            arguments: [workflowID]
        ).map(Date.init(epochMilliseconds:))
    }

    /// Records `tick` as handled; an older tick never moves the bookmark back.
    public func setLastTick(_ workflowID: String, _ tick: Date) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO schedule_ticks (workflow_id, last_tick) VALUES (?, ?)
                ON CONFLICT (workflow_id) DO UPDATE SET last_tick = max(last_tick, excluded.last_tick)
                """
        ).execute(arguments: [workflowID, tick.epochMilliseconds])
    }

    // MARK: concurrency

    /// The workflow's unfinished runs (queued or running), oldest first (in insertion order).
    public func activeRuns(of workflowID: String) throws -> [RunRecord] {
        try Row.fetchAll(
            db.cachedStatement(
                // rowid breaks ties in insertion order: runs queued in one millisecond stay FIFO.
                // INDEXED BY: the partial index of unfinished runs, whatever the planner guesses.
                sql: """
                    SELECT * FROM runs INDEXED BY runs_active
                    WHERE workflow_id = ? AND finished_at IS NULL ORDER BY created_at, rowid
                    """),
            arguments: [workflowID]
        ).map(Self.run)
    }
}
