import Foundation
import Logging
import SireController
import SireCore
import SireEngine
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
        let housekeeping = LedgerHousekeeping(gitDirectory: repository.gitDirectory, logger: Logger(label: "bench"))
        let git = StepIsolation.executable(named: "git")!
        let clock = ContinuousClock()
        var written = 0
        var elapsed = Duration.zero
        // One batch at a time, with the consolidation the controller runs past 50 packs (off its
        // hot path, so not timed here).
        while written < count {
            var drained = 0
            elapsed += clock.measure { drained = try! writer.drainNow(batch: batch, once: true) }
            written += drained
            if housekeeping.packCount >= 50 {
                sh("'\(git)' -c gc.autoPackLimit=50 gc --auto --quiet", in: repository.gitDirectory)
            }
        }
        precondition(written == count, "drained \(written) of \(count)")
        return milliseconds(elapsed) / Double(count)
    }
}

/// Issue 14's acceptance at scale: 100,000 runs recorded on one commit through the ledger
/// writer, 500 per batch, with the consolidation the controller runs (`git gc --auto` past 50
/// packs) and no other `git gc`. Prints the batch write time at the start and at the end, the
/// repository's growth per run, and `sire-git status HEAD` / `sire-git log -n 20` (the release
/// binary beside this one) against a bare process start.
enum LedgerScaleBench {
    static func run(runs total: Int = 100_000, batch: Int = 500) async {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("sire-git").path
        let directory = NSTemporaryDirectory() + "sire-ledger-scale-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer {
            if ProcessInfo.processInfo.environment["SIRE_BENCH_KEEP"] == nil {
                try? FileManager.default.removeItem(atPath: directory)
            } else {
                print("  kept \(directory)")
            }
        }
        sh(
            "git init --quiet --initial-branch=main repo && cd repo && mkdir workflows && "
                + "printf 'id: hello\\non: { http: {} }\\nsteps:\\n  - id: greet\\n    tool: sire:local/log.write\\n"
                + "    params: { message: hi }\\n' > workflows/hello.yaml && git add -A && git commit --quiet -m one && "
                + "for i in $(seq 29); do git commit --quiet --allow-empty -m c$i; done", in: directory)
        let gitDirectory = directory + "/repo/.git"
        let repository = try! Repository(path: gitDirectory)
        let head = try! repository.resolveCommit("HEAD")
        let blob = try! repository.file(at: "workflows/hello.yaml", in: head.id)!.blob.description
        let store = try! Store(directory: directory + "/state")
        let writer = LedgerWriter(gitDirectory: gitDirectory, store: store)
        let housekeeping = LedgerHousekeeping(gitDirectory: gitDirectory, logger: Logger(label: "bench"))
        let git = StepIsolation.executable(named: "git")!
        let before = objectBytes(gitDirectory)
        let clock = ContinuousClock()
        var times: [Double] = []
        var consolidations = 0
        var consolidating = Duration.zero
        let start = Date(timeIntervalSince1970: 1_796_083_200)  // 2026-12-01
        for round in 0..<(total / batch) {
            try! store.transactionNow { tx in
                for index in (round * batch)..<((round + 1) * batch) {
                    let created = start.addingTimeInterval(Double(index) * 0.5)
                    let id = RunID.make(now: created)
                    let run = RunRecord(
                        id: id, workflowID: "hello", path: "workflows/hello.yaml", blob: blob,
                        commit: PinnedCommit(sha: head.id.description, tree: head.tree.description),
                        trigger: RunTrigger(type: "http", key: "req-\(index)"), inputs: [:], definition: [],
                        createdAt: created, controller: "bench:1:x")
                    _ = try tx.insertRun(run, steps: ["greet"])
                    try tx.setRunStatus(id, .running, at: created.addingTimeInterval(0.002))
                    try tx.saveStep(
                        StepRecord(
                            runID: id, stepID: "greet", status: index % 50 == 0 ? .failed : .succeeded, attempts: 1,
                            startedAt: created.addingTimeInterval(0.003), finishedAt: created.addingTimeInterval(0.004),
                            durationMs: 1, error: index % 50 == 0 ? "exit status 1" : nil))
                    try tx.setRunStatus(
                        id, index % 50 == 0 ? .failed : .succeeded, at: created.addingTimeInterval(0.005),
                        error: index % 50 == 0 ? "step greet failed" : nil)
                }
            }
            var written = 0
            times.append(milliseconds(clock.measure { written = try! writer.drainNow(batch: batch) }))
            precondition(written == batch, "drained \(written) of \(batch)")
            // What the controller does after a write, off the hot path there; timed apart here.
            if housekeeping.packCount >= 50 {
                consolidations += 1
                consolidating += await clock.measure { await housekeeping.consolidate(git: git) }
            }
        }
        let growth = Double(objectBytes(gitDirectory) - before) / Double(total)
        let window = max(1, times.count / 10)
        let first = times.prefix(window).reduce(0, +) / Double(window)
        let last = times.suffix(window).reduce(0, +) / Double(window)
        print(
            String(
                format: "ledger at scale: %d runs on one commit, %d per batch: batch write %.2f ms over the first %d "
                    + "batches, %.2f ms over the last %d (%.2f×, target ≤ 1.5×); max %.2f ms",
                total, batch, first, window, last, window, last / first, times.max() ?? 0))
        print(
            String(
                format: "  repository growth %.0f bytes per run with %d consolidations (git gc --auto, %.1f s in all) "
                    + "[target ≤ 300]", growth, consolidations, milliseconds(consolidating) / 1000))
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            print("  status/log: \(binary) is missing: build all products (swift build -c release)")
            return
        }
        let bare = processMilliseconds(binary, ["--version"], in: directory + "/repo")
        let status = processMilliseconds(binary, ["status", "HEAD"], in: directory + "/repo")
        let empty = processMilliseconds(binary, ["status", "HEAD~1"], in: directory + "/repo")
        let log = processMilliseconds(binary, ["log", "-n", "20"], in: directory + "/repo")
        print(
            String(
                format: "  sire-git status HEAD %.1f ms (HEAD~1, no runs: %.1f ms), log -n 20 %.1f ms, process start "
                    + "(--version) %.1f ms: status +%.1f ms [target ≤ 20], log %.1f ms [target ≤ 50] (median of 21)",
                status, empty, log, bare, status - bare, log))
    }

    /// Bytes under `objects/` (loose objects, packs and their indexes).
    static func objectBytes(_ gitDirectory: String) -> Int {
        let root = gitDirectory + "/objects"
        var total = 0
        guard let files = FileManager.default.enumerator(atPath: root) else { return 0 }
        for case let path as String in files {
            let attributes = try? FileManager.default.attributesOfItem(atPath: root + "/" + path)
            guard (attributes?[.type] as? FileAttributeType) == .typeRegular else { continue }
            total += (attributes?[.size] as? NSNumber)?.intValue ?? 0
        }
        return total
    }

    /// The median wall time of 21 runs of `binary arguments`, which must succeed.
    static func processMilliseconds(_ binary: String, _ arguments: [String], in directory: String) -> Double {
        var times: [Double] = []
        for _ in 0..<21 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
            process.currentDirectoryURL = URL(fileURLWithPath: directory)
            process.standardOutput = FileHandle.nullDevice
            let clock = ContinuousClock()
            let elapsed = clock.measure {
                try! process.run()
                process.waitUntilExit()
            }
            precondition(process.terminationStatus == 0, "\(arguments) failed")
            times.append(milliseconds(elapsed))
        }
        return times.sorted()[10]
    }
}
