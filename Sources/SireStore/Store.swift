import Foundation
import GRDB
import SireCore

/// The SQLite index in the state directory: runs, step states, events, cache and the ledger
/// outbox. A cache of the ledger plus in-flight state.
///
/// WAL mode with `synchronous = FULL`: a committed write survives power loss. Writes go
/// through one writer thread that batches concurrent writes into one transaction.
public final class Store: Sendable {
    /// The database file.
    public let path: String
    /// Where large outputs live as content-addressed files.
    public let artifacts: ArtifactStore
    let pool: DatabasePool
    private let queue: WriteQueue
    /// Bumped after each commit of this process's writer.
    private let commits = ChangeSignal()

    /// Opens (creating and migrating as needed) `index.sqlite` in `directory`.
    /// `trace` receives every SQL statement run, with its arguments (for query-plan audits).
    public convenience init(directory: String, trace: (@Sendable (String) -> Void)? = nil) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try self.init(
            path: (directory as NSString).appendingPathComponent("index.sqlite"),
            artifacts: (directory as NSString).appendingPathComponent("artifacts"), trace: trace)
    }

    /// Opens the database at `path`, with artifacts under `artifacts`.
    public init(path: String, artifacts: String, trace: (@Sendable (String) -> Void)? = nil) throws {
        self.path = path
        self.artifacts = ArtifactStore(directory: artifacts)
        var configuration = Configuration()
        configuration.label = "sire-index"
        if let trace {
            configuration.prepareDatabase { db in
                db.trace(options: .statement) { event in trace(event.expandedDescription) }
            }
        }
        // Another process (a CLI command beside the controller) may hold the write lock briefly.
        configuration.busyMode = .timeout(10)
        // A new index is readable by its owner only (SQLite gives its -wal and -shm files the
        // same mode): run outputs and inputs are not for other users of the machine.
        let created = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if created >= 0 { close(created) }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // DatabasePool sets NORMAL when it opens; a step's completion must survive power
            // loss, so the writer connection gets FULL.
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
            try Self.migrate(pool, path: path)
        } catch {
            throw StoreError(.open, "cannot open the index at \(path)", cause: error)
        }
        let commits = self.commits
        queue = WriteQueue(pool: pool) { commits.bump() }
    }

    /// SQLite's plan for `sql` (`EXPLAIN QUERY PLAN`), one detail line per step, for audits
    /// that hot-path statements never walk history.
    public func queryPlan(of sql: String) throws -> [String] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }
        }
    }

    deinit {
        queue.stop()
    }

    /// Brings the schema up to date while holding an exclusive lock on `PATH.migrate-lock`:
    /// GRDB reads which migrations are applied before its own transactions begin, so two
    /// processes opening a new index at once both ran the first migration ("table runs
    /// already exists"). The lock is the kernel's (flock), so a killed process releases it.
    private static func migrate(_ pool: DatabasePool, path: String) throws {
        let lock = open(path + ".migrate-lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lock >= 0 else {
            throw StoreError(
                .open, "cannot open the migration lock \(path).migrate-lock: \(String(cString: strerror(errno)))")
        }
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw StoreError(.open, "cannot lock \(path).migrate-lock: \(String(cString: strerror(errno)))")
            }
        }
        try Schema.migrator.migrate(pool)
    }

    /// Runs `work` in a write transaction, batched with other writes waiting at the same time.
    /// Returns once the transaction is durably committed.
    public func write<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let box = ResultBox<T>()
        return try await withCheckedThrowingContinuation { continuation in
            queue.submit(
                WriteQueue.Job(
                    work: { db in box.value = try work(db) },
                    done: { error in
                        if let error {
                            continuation.resume(throwing: error)
                        } else {
                            continuation.resume(returning: box.value!)
                        }
                    }))
        }
    }

    /// Queues a write without waiting for it (it is committed with the next batch); for data
    /// that may be lost in a crash, like progress events of a step that will run again anyway.
    public func writeLater(_ work: @escaping @Sendable (Database) throws -> Void) {
        queue.submit(WriteQueue.Job(work: work, done: { _ in }))
    }

    /// Runs `work` in a write transaction on the calling thread (for one-off command-line use).
    public func writeNow<T>(_ work: (Database) throws -> T) throws -> T {
        defer { commits.bump() }
        return try pool.write(work)
    }

    /// Reads a consistent snapshot.
    public func read<T>(_ work: (Database) throws -> T) throws -> T {
        try pool.read(work)
    }

    /// Counts this process's committed write batches; pass it to ``waitForCommit(after:timeout:)``.
    public var commitGeneration: UInt64 { commits.generation }

    /// Returns once this process has committed a write batch after the one `generation` counted,
    /// or after `timeout` (writes by other processes wake nobody: read again then) — but not
    /// before `earliest`, so a reader woken by a burst of commits reads once for all of them.
    public func waitForCommit(
        after generation: UInt64, timeout: Duration, earliest: ContinuousClock.Instant? = nil
    ) async {
        await commits.wait(after: generation, timeout: timeout)
        if let earliest, ContinuousClock.now < earliest { try? await Task.sleep(until: earliest) }
    }

    /// The `synchronous` setting of the writer connection (2 = FULL), for diagnostics and tests.
    public func synchronousMode() throws -> Int {
        try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }
}
