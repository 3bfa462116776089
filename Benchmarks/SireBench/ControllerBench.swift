import Foundation
import SireController
import SireCore
import SireGit
import SireStore

/// A repository with `files` workflow files and `commits` commits, made once with
/// `git fast-import` and kept in the temporary directory between benchmark runs.
func bigRepository(files: Int, commits: Int) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sire-bench-big-\(files)-\(commits)").path
    if FileManager.default.fileExists(atPath: dir + "/.git/sire-bench-ready") { return dir }
    try? FileManager.default.removeItem(atPath: dir)
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    var stream = ""
    func blob(_ text: String) -> String { "data \(text.utf8.count)\n\(text)\n" }
    func commit(_ n: Int, _ body: String) -> String {
        let message = "commit \(n)"
        return "commit refs/heads/main\ncommitter Bench <bench@example.com> \(1_700_000_000 + n * 60) +0000\n"
            + "data \(message.utf8.count)\n\(message)\n" + (n > 1 ? "" : "") + body
    }
    var first = ""
    for i in 0..<files { first += "M 100644 inline workflows/wf-\(i).yaml\n" + blob(workflow(i)) }
    first += "M 100644 inline data/counter.txt\n" + blob("1\n")
    stream += commit(1, first)
    for n in 2...commits { stream += commit(n, "M 100644 inline data/counter.txt\n" + blob("\(n)\n")) }
    try! Data(stream.utf8).write(to: URL(fileURLWithPath: dir + "/import.fi"))
    sh(
        "git init -q --initial-branch=main . && git fast-import --quiet < import.fi && rm import.fi"
            + " && git reset -q --hard main && touch .git/sire-bench-ready", in: dir)
    return dir
}

/// Reconcile after a push that changes one workflow file, in a repository with 10,000 workflow
/// files and 10,000 commits (issue 4: ≤ 50 ms).
func benchReconcile(files: Int = 10_000, commits: Int = 10_000, rounds: Int = 20) {
    let clock = ContinuousClock()
    let setupStart = clock.now
    let dir = bigRepository(files: files, commits: commits)
    let state = FileManager.default.temporaryDirectory.appendingPathComponent("sire-bench-state-\(UUID())").path
    defer { try? FileManager.default.removeItem(atPath: state) }
    let store = try! Store(directory: state)
    let reconciler = Reconciler(gitDirectory: dir + "/.git", store: store)
    let head = try! Repository(path: dir).resolveCommit("refs/heads/main").id
    let firstStart = clock.now
    let first = try! reconciler.reconcile(head: head)
    let firstTime = milliseconds(clock.now - firstStart)
    precondition(first.applied.count == files, "every workflow must deploy: \(first.applied.count)")
    print(
        String(
            format: "reconcile (%d workflow files, %d commits; set-up %.1f s):", files, commits,
            milliseconds(firstStart - setupStart) / 1000))
    print(String(format: "  first reconcile (validates everything)  %8.1f ms", firstTime))
    var times: [Double] = []
    for round in 0..<rounds {
        let i = (round * 37) % files
        try! Data((workflow(i) + "# change \(round) \(UUID())\n").utf8).write(
            to: URL(fileURLWithPath: "\(dir)/workflows/wf-\(i).yaml"))
        sh("git commit -qam 'change wf-\(i)'", in: dir)
        let head = try! Repository(path: dir).resolveCommit("refs/heads/main").id
        let start = clock.now
        let outcome = try! reconciler.reconcile(head: head)
        times.append(milliseconds(clock.now - start))
        precondition(outcome.applied.map(\.id) == ["wf-\(i)"], "expected one applied workflow")
    }
    // Leave the cached repository as it was made.
    sh("git reset -q --hard HEAD~\(rounds)", in: dir)
    times.sort()
    print(
        String(
            format:
                "  after a push changing one file: p50 %.1f ms, p90 %.1f ms, max %.1f ms (%d rounds)   target ≤ 50 ms",
            percentile(times, 0.5), percentile(times, 0.9), times.last!, rounds))
}

/// Local push → first step running: the tracked ref is moved to a prepared commit that changes
/// `data/`, and the time until the push-triggered run's first `step.started` event is measured
/// (issue 4: ≤ 100 ms).
func benchPushToFirstStep(rounds: Int = 30) async {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sire-bench-push-\(UUID())").path
    let state = dir + "-state"
    try! FileManager.default.createDirectory(atPath: dir + "/workflows", withIntermediateDirectories: true)
    defer {
        try? FileManager.default.removeItem(atPath: dir)
        try? FileManager.default.removeItem(atPath: state)
    }
    let definition = """
        id: on-data
        on:
          push: { paths: ["data/**"] }
        steps:
          - id: first
            tool: sire:local/log.write
            params: { message: "{{ git.short_sha }}" }

        """
    try! Data(definition.utf8).write(to: URL(fileURLWithPath: dir + "/workflows/on-data.yaml"))
    sh("git init -q --initial-branch=main . && git add -A && git commit -qm workflow", in: dir)
    sh(
        "git checkout -q -b prepared && mkdir data && for i in $(seq 1 \(rounds)); do echo $i > data/n.txt; "
            + "git add -A; git commit -qm \"data $i\"; done && git checkout -q main", in: dir)
    let repository = try! Repository(path: dir)
    let prepared = try! repository.log(range: "main..prepared").map(\.id).reversed()

    var options = ControllerOptions(location: dir, state: state)
    options.secrets = Secrets()
    let controller = try! Controller(options: options)
    let task = Task { try await controller.run() }
    let store = controller.runtime.store
    while (try? controller.reconciler.reconciledCommit()) == nil { try? await Task.sleep(for: .milliseconds(5)) }

    var latencies: [Double] = []
    for commit in prepared {
        let moved = Date()
        try! repository.setReference("refs/heads/main", to: commit, message: "bench push")
        var started: Date?
        while started == nil {
            try? await Task.sleep(for: .milliseconds(1))
            started = try! store.snapshot { tx -> Date? in
                guard
                    let run = try tx.runs(workflow: "on-data", limit: 5).first(where: {
                        $0.trigger.key == commit.description
                    })
                else { return nil }
                return try tx.events(of: run.id).first { $0.kind == "step.started" }?.at
            }
            if Date().timeIntervalSince(moved) > 10 { fatalError("no run for \(commit) after 10 s") }
        }
        latencies.append(started!.timeIntervalSince(moved) * 1000)
        // Let the run finish before the next push.
        while try! store.snapshot({ tx in try tx.activeRuns(of: "on-data") }).count > 0 {
            try? await Task.sleep(for: .milliseconds(2))
        }
    }
    task.cancel()
    _ = try? await task.value
    latencies.sort()
    print(
        String(
            format:
                "local push → first step running: p50 %.1f ms, p90 %.1f ms, max %.1f ms (%d pushes, ref watched with inotify)   target ≤ 100 ms",
            percentile(latencies, 0.5), percentile(latencies, 0.9), latencies.last!, latencies.count))
}
