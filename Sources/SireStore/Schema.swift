import GRDB

/// The index's tables, as versioned migrations. Never edit a shipped migration: add one.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: runs, steps, events, outbox, cache") { db in
            try db.execute(
                sql: """
                    CREATE TABLE runs (
                        id TEXT PRIMARY KEY NOT NULL,
                        workflow_id TEXT NOT NULL,
                        path TEXT NOT NULL,
                        blob TEXT NOT NULL,
                        commit_sha TEXT NOT NULL,
                        tree_sha TEXT NOT NULL,
                        ref TEXT,
                        git_message TEXT NOT NULL DEFAULT '',
                        git_author TEXT NOT NULL DEFAULT '',
                        trigger_type TEXT NOT NULL,
                        trigger_key TEXT NOT NULL,
                        inputs TEXT NOT NULL,
                        definition BLOB NOT NULL,
                        status TEXT NOT NULL,
                        rerun_of TEXT,
                        created_at INTEGER NOT NULL,
                        started_at INTEGER,
                        finished_at INTEGER,
                        error TEXT,
                        cancel_requested INTEGER NOT NULL DEFAULT 0,
                        controller TEXT NOT NULL DEFAULT '',
                        owner TEXT,
                        lease_until INTEGER,
                        UNIQUE (workflow_id, trigger_type, trigger_key)
                    );
                    CREATE INDEX runs_by_status ON runs (status);
                    CREATE INDEX runs_by_workflow ON runs (workflow_id, created_at);
                    CREATE INDEX runs_by_commit ON runs (commit_sha);
                    CREATE INDEX runs_by_created ON runs (created_at);

                    CREATE TABLE steps (
                        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                        step_id TEXT NOT NULL,
                        item INTEGER NOT NULL,
                        status TEXT NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at INTEGER,
                        started_at INTEGER,
                        finished_at INTEGER,
                        duration_ms INTEGER,
                        output TEXT,
                        artifact TEXT,
                        error TEXT,
                        PRIMARY KEY (run_id, step_id, item)
                    ) WITHOUT ROWID;

                    CREATE TABLE events (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                        at INTEGER NOT NULL,
                        kind TEXT NOT NULL,
                        step_id TEXT,
                        item INTEGER,
                        attempt INTEGER,
                        data TEXT
                    );
                    CREATE INDEX events_by_run ON events (run_id, seq);

                    CREATE TABLE outbox (
                        run_id TEXT PRIMARY KEY NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                        created_at INTEGER NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        last_error TEXT
                    );

                    CREATE TABLE cache (
                        key TEXT PRIMARY KEY NOT NULL,
                        output TEXT,
                        artifact TEXT,
                        created_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v2: deployments, controller state, schedule ticks") { db in
            try db.execute(
                sql: """
                    CREATE TABLE deployments (
                        workflow_id TEXT PRIMARY KEY NOT NULL,
                        path TEXT NOT NULL,
                        attempted_commit TEXT NOT NULL,
                        attempted_blob TEXT NOT NULL,
                        valid INTEGER NOT NULL,
                        diagnostics TEXT NOT NULL DEFAULT '[]',
                        applied_commit TEXT,
                        applied_path TEXT,
                        applied_blob TEXT,
                        retired_at INTEGER,
                        updated_at INTEGER NOT NULL
                    );
                    CREATE INDEX deployments_by_path ON deployments (path) WHERE retired_at IS NULL;

                    CREATE TABLE controller_state (
                        key TEXT PRIMARY KEY NOT NULL,
                        value TEXT NOT NULL
                    );

                    CREATE TABLE schedule_ticks (
                        workflow_id TEXT PRIMARY KEY NOT NULL,
                        last_tick INTEGER NOT NULL
                    );

                    CREATE INDEX runs_active ON runs (workflow_id, status) WHERE finished_at IS NULL;
                    """)
        }
        migrator.registerMigration("v3: inputs a run was imported with but whose values were redacted") { db in
            try db.execute(sql: "ALTER TABLE runs ADD COLUMN redacted_inputs TEXT NOT NULL DEFAULT '[]'")
        }
        migrator.registerMigration("v4: unfinished runs found without walking finished ones") { db in
            // The concurrency check and the resume list order by created_at: indexes of only the
            // unfinished rows, in that order, so their cost follows the active runs, not history.
            try db.execute(
                sql: """
                    DROP INDEX runs_active;
                    CREATE INDEX runs_active ON runs (workflow_id, created_at) WHERE finished_at IS NULL;
                    CREATE INDEX runs_unfinished ON runs (created_at) WHERE finished_at IS NULL;
                    """)
        }
        migrator.registerMigration("v5: the ledger partition each outbox entry is written to") { db in
            // Chosen once, before the first write: a record rewritten after a crash goes to the
            // same partition, so it merges into the line already there.
            try db.execute(sql: "ALTER TABLE outbox ADD COLUMN partition TEXT")
        }
        return migrator
    }
}
