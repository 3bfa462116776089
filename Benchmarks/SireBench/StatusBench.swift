import Foundation
import SireController
import SireCore
import SireGit

/// `sire-git status` of one commit in a long history with a ledger note on every commit: the
/// cost must not grow with the history (target ≤ 20 ms).
enum StatusBench {
    static let commits = 10_000
    static let workflows = 5
    /// Built once with `git fast-import` and kept: making 10,000 commits takes a few seconds.
    static let directory = "/tmp/sire-bench-status-\(commits)-v1"

    static func run() {
        prepare()
        let repository = try! Repository(path: directory)
        let shas = try! String(contentsOfFile: directory + "/shas.txt", encoding: .utf8).split(separator: "\n")
            .map(String.init)
        precondition(shas.count == commits, "bench repository is incomplete; remove \(directory)")
        let reader = CommitStatusReader(repository: repository)
        let now = Date(timeIntervalSince1970: 1_774_000_000)
        // Sanity: a sampled commit really has its workflows, check record and runs.
        let probe = try! reader.status(of: shas[commits / 2], now: now)
        precondition(
            probe.workflows.count == workflows && probe.reconcile != nil && probe.runs.count == 2
                && probe.workflows.allSatisfy { $0.valid && !$0.schedules.isEmpty },
            "bench commit status is not what was built")

        let clock = ContinuousClock()
        var samples: [Double] = []
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5 { _ = try! reader.status(of: shas[0], now: now) }
        for _ in 0..<300 {
            let sha = shas[Int.random(in: 0..<commits, using: &generator)]
            let start = clock.now
            _ = try! reader.status(of: sha, now: now)
            samples.append(milliseconds(clock.now - start))
        }
        samples.sort()
        print(
            String(
                format: "status of one commit (10,000 commits with notes): p50 %.2f ms, p99 %.2f ms   target ≤ 20 ms",
                percentile(samples, 0.5), percentile(samples, 0.99)))
        print("  (\(workflows) workflows of 6 steps each, a check note and 2 run notes per commit, 300 random commits)")
        manyWorkflows()
    }

    /// Issue 15: `status` of the head of a repository with 10,000 workflow files (10,000 commits).
    static func manyWorkflows() {
        let repository = try! Repository(path: bigRepository(files: 10_000, commits: 10_000))
        let reader = CommitStatusReader(repository: repository)
        let now = Date(timeIntervalSince1970: 1_774_000_000)
        precondition(try! reader.status(of: "HEAD", now: now).workflows.count == 10_000)
        let clock = ContinuousClock()
        var samples: [Double] = []
        for _ in 0..<5 {
            let start = clock.now
            _ = try! reader.status(of: "HEAD", now: now)
            samples.append(milliseconds(clock.now - start))
        }
        samples.sort()
        print(
            String(
                format: "status of a commit with 10,000 workflow files: p50 %.0f ms (5 runs, in process)   "
                    + "target ≤ 20 ms", percentile(samples, 0.5)))
    }

    /// Writes the repository with one fast-import stream: every commit changes one data file and
    /// every 100th rewrites a workflow; each commit gets a check record and two run records.
    static func prepare() {
        if FileManager.default.fileExists(atPath: directory + "/shas.txt") { return }
        try? FileManager.default.removeItem(atPath: directory)
        try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        sh("git init -q --bare --initial-branch=main .", in: directory)

        var stream = Data()
        func data(_ text: String) {
            let bytes = Data(text.utf8)
            stream.append(Data("data \(bytes.count)\n".utf8))
            stream.append(bytes)
            stream.append(Data("\n".utf8))
        }
        for i in 0..<commits {
            let mark = i + 1
            stream.append(Data("commit refs/heads/main\nmark :\(mark)\n".utf8))
            stream.append(Data("committer Bench <bench@example.com> \(1_700_000_000 + i * 60) +0000\n".utf8))
            data("change \(i)")
            if i > 0 { stream.append(Data("from :\(mark - 1)\n".utf8)) }
            if i == 0 {
                for w in 0..<workflows {
                    stream.append(Data("M 100644 inline workflows/wf-\(w).yaml\n".utf8))
                    data(workflow(w))
                }
            } else if i % 100 == 0 {
                let w = i / 100 % workflows
                stream.append(Data("M 100644 inline workflows/wf-\(w).yaml\n".utf8))
                data(workflow(w) + "# revision \(i)\n")
            }
            stream.append(Data("M 100644 inline data/\(i % 1000).txt\n".utf8))
            data("value \(i)")
        }
        for (ref, lines) in [("refs/notes/sire/checks", checkLines), ("refs/notes/sire/runs", runLines)] {
            stream.append(Data("commit \(ref)\ncommitter Bench <bench@example.com> 1700000000 +0000\n".utf8))
            data("ledger")
            for i in 0..<commits {
                stream.append(Data("N inline :\(i + 1)\n".utf8))
                data(lines(i).joined(separator: "\n") + "\n")
            }
        }
        let streamFile = directory + "/stream.fi"
        try! stream.write(to: URL(fileURLWithPath: streamFile))
        sh("git fast-import --quiet < stream.fi && rm stream.fi", in: directory)
        sh("git rev-list --reverse main > shas.tmp && mv shas.tmp shas.txt", in: directory)
    }

    static func checkLines(_ i: Int) -> [String] {
        var states: [String: CheckNote.WorkflowState] = [:]
        for w in 0..<workflows {
            states["wf-\(w)"] = CheckNote.WorkflowState(
                path: "workflows/wf-\(w).yaml", blob: "", valid: true, diagnostics: [])
        }
        return [
            CheckNote(
                commit: "", tree: "", workflows: states, tool_version: "0.1.0", source: "controller",
                at: RFC3339.format(
                    Date(timeIntervalSince1970: Double(1_700_000_000 + i * 60 + 5)), in: TimeZone(identifier: "UTC")!)
            ).line()
        ]
    }

    static func runLines(_ i: Int) -> [String] {
        (0..<2).map { r in
            RunNote(
                run: "run-\(i)-\(r)", workflow: "wf-\(r)", path: "workflows/wf-\(r).yaml", blob: "", commit: "",
                tree: "", trigger: .init(type: "schedule", key: "wf-\(r)@\(i)"),
                status: r == 0 ? "succeeded" : "failed",
                started_at: "2026-01-01T00:00:0\(r).000Z", finished_at: "2026-01-01T00:00:0\(r + 1).000Z",
                duration_ms: 1000,
                steps: ["fetch": .init(status: r == 0 ? "succeeded" : "failed", attempts: 1, duration_ms: 900)],
                controller: "bench:1:x"
            ).line()
        }
    }
}
