import Foundation
import GRDB
import SireController
import SireCore
import SireStore

/// Per-step durable overhead: a bare one-row WAL FULL commit vs a step completion (step row +
/// event + next step started) committed through the store's writer, awaited before the next.
func benchStoreCommit(count: Int) async {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sire-bench-store-\(UUID().uuidString)")
        .path
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }

    let bareTimes = bareCommitTimes(path: dir + "/bare.sqlite", count: count).sorted()
    let clock = ContinuousClock()
    let store = try! Store(directory: dir + "/state")
    let run = RunRecord(
        id: "bench", workflowID: "bench", path: "w.yaml", blob: "0", commit: PinnedCommit(sha: "0", tree: "0"),
        trigger: RunTrigger(type: "manual", key: "bench"), inputs: [:], definition: [])
    _ = try! store.transactionNow { tx in try tx.insertRun(run, steps: (0..<count).map { "s\($0)" }) }
    precondition(try! store.synchronousMode() == 2, "the store must commit with synchronous = FULL")
    var stepTimes: [Double] = []
    for i in 0..<count {
        let start = clock.now
        try! await store.transaction { tx in
            let now = Date()
            try tx.saveStep(
                StepRecord(
                    runID: "bench", stepID: "s\(i)", status: .succeeded, attempts: 1, startedAt: now, finishedAt: now,
                    durationMs: 0, output: .inline("{}")))
            try tx.appendEvent(EventRecord(runID: "bench", kind: "step.succeeded", stepID: "s\(i)", attempt: 1))
            if i + 1 < count {
                try tx.saveStep(
                    StepRecord(runID: "bench", stepID: "s\(i + 1)", status: .running, attempts: 1, startedAt: now))
                try tx.appendEvent(EventRecord(runID: "bench", kind: "step.started", stepID: "s\(i + 1)", attempt: 1))
            }
        }
        stepTimes.append(milliseconds(clock.now - start))
    }
    stepTimes.sort()
    let b50 = percentile(bareTimes, 0.5), s50 = percentile(stepTimes, 0.5)
    print(String(format: "bare WAL FULL one-row commit: p50 %.3f ms  p99 %.3f ms", b50, percentile(bareTimes, 0.99)))
    print(
        String(
            format: "store step completion:        p50 %.3f ms  p99 %.3f ms  (%.2fx bare)", s50,
            percentile(stepTimes, 0.99), s50 / b50))
}

/// One-row WAL FULL commits on a raw GRDB queue; synchronous, so GRDB's blocking API is used.
func bareCommitTimes(path: String, count: Int) -> [Double] {
    let bare = try! DatabaseQueue(path: path)
    try! bare.writeWithoutTransaction { db in
        _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
        try db.execute(sql: "PRAGMA synchronous = FULL")
        try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    }
    let clock = ContinuousClock()
    var times: [Double] = []
    for i in 0..<count {
        let start = clock.now
        try! bare.write { db in try db.execute(sql: "INSERT INTO t (v) VALUES (?)", arguments: ["\(i)"]) }
        times.append(milliseconds(clock.now - start))
    }
    return times
}
