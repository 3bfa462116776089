import Foundation
import GRDB

/// Serialises writes on one dedicated thread and commits everything that is waiting in one
/// transaction (group commit): one fsync covers many runs' step completions.
///
/// Each job runs in its own savepoint, so a failing job rolls back only its own changes; when
/// the commit itself fails (disk full), every job of the batch fails and nothing is kept.
final class WriteQueue: @unchecked Sendable {
    // Safety: `pending` and `stopped` are read and written only with `condition` locked; the
    // writer thread is the only user of `pool` for writes.
    private let condition = NSCondition()
    private var pending: [Job] = []
    private var stopped = false
    private let pool: DatabasePool
    private let onCommit: @Sendable () -> Void

    struct Job {
        let work: (Database) throws -> Void
        let done: (Error?) -> Void
    }

    /// `onCommit` runs on the writer thread after each batch, before the batch's jobs hear back.
    init(pool: DatabasePool, onCommit: @escaping @Sendable () -> Void = {}) {
        self.pool = pool
        self.onCommit = onCommit
        let thread = Thread { [self] in loop() }
        thread.name = "sire-store-writer"
        thread.start()
    }

    func submit(_ job: Job) {
        condition.lock()
        if stopped {
            condition.unlock()
            job.done(StoreError(.write, "the store is closed"))
            return
        }
        pending.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Finishes the jobs already submitted, then stops the thread.
    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while pending.isEmpty && !stopped { condition.wait() }
            if pending.isEmpty {
                condition.unlock()
                return
            }
            let batch = pending
            pending.removeAll(keepingCapacity: true)
            condition.unlock()
            commit(batch)
        }
    }

    private func commit(_ batch: [Job]) {
        var outcomes = [Error?](repeating: nil, count: batch.count)
        do {
            try pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    if batch.count == 1 {
                        do {
                            try batch[0].work(db)
                        } catch {
                            outcomes[0] = error
                            return .rollback
                        }
                    } else {
                        for (i, job) in batch.enumerated() {
                            do {
                                try db.inSavepoint {
                                    try job.work(db)
                                    return .commit
                                }
                            } catch {
                                outcomes[i] = error
                            }
                        }
                    }
                    return .commit
                }
            }
        } catch {
            outcomes = batch.map { _ in StoreError(.write, "could not commit to the index", cause: error) }
        }
        onCommit()
        for (job, outcome) in zip(batch, outcomes) { job.done(outcome) }
    }
}

/// Carries a job's result from the writer thread to the waiting task.
final class ResultBox<T>: @unchecked Sendable {
    // Safety: written on the writer thread before `done` runs, read only after it resumed
    // the continuation, so the two accesses are ordered by the continuation.
    var value: T?
}
