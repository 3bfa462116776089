import Foundation
import SireController
import SireCore
import SireGit
import SireStore

/// Ledger write cost per finished run: outbox → run record → notes commit → outbox cleared.
/// Target (issue 4): ≤ 5 ms per run when batched.
enum LedgerBench {
    static func run() {
        let batched = measure(runs: 2000, batch: 500)
        print(
            String(
                format: "ledger write, batched: %.3f ms per run (500 runs per batch, 2000 runs, 200 commits) "
                    + "[target ≤ 5 ms]", batched))
        let single = measure(runs: 200, batch: 1)
        print(
            String(
                format: "ledger write, unbatched: %.3f ms per run (1 run per notes commit, 200 runs)", single))
    }

    /// Milliseconds per run to drain `runs` finished runs, spread over 200 commits.
    static func measure(runs count: Int, batch: Int) -> Double {
        let directory = NSTemporaryDirectory() + "sire-ledger-bench-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        sh(
            "git init --quiet --initial-branch=main repo && cd repo && "
                + "for i in $(seq 200); do git commit --quiet --allow-empty -m c$i; done", in: directory)
        let repository = try! Repository(path: directory + "/repo")
        let commits = try! repository.log(range: "HEAD", limit: 200, firstParent: false)
        let store = try! Store(directory: directory + "/state")
        let start = Date()
        try! store.transactionNow { tx in
            for index in 0..<count {
                let commit = commits[index % commits.count]
                let id = "bench-\(index)"
                let run = RunRecord(
                    id: id, workflowID: "wf-\(index % 20)", path: "workflows/wf-\(index % 20).yaml",
                    blob: commit.tree.description,
                    commit: PinnedCommit(sha: commit.id.description, tree: commit.tree.description),
                    trigger: RunTrigger(type: "schedule", key: id), inputs: [:], definition: [], createdAt: start,
                    controller: "bench:1:x")
                _ = try tx.insertRun(run, steps: ["a", "b", "c"])
                try tx.setRunStatus(id, .running, at: start)
                for step in ["a", "b", "c"] {
                    try tx.saveStep(
                        StepRecord(
                            runID: id, stepID: step, status: .succeeded, attempts: 1, startedAt: start,
                            finishedAt: start.addingTimeInterval(0.01), durationMs: 10))
                }
                try tx.setRunStatus(id, .succeeded, at: start.addingTimeInterval(0.05))
            }
        }
        let writer = LedgerWriter(gitDirectory: repository.gitDirectory, store: store)
        let clock = ContinuousClock()
        var written = 0
        let elapsed = clock.measure { written = try! writer.drainNow(batch: batch) }
        precondition(written == count, "drained \(written) of \(count)")
        return milliseconds(elapsed) / Double(count)
    }
}
