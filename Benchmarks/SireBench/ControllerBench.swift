import Foundation
import SireController
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
            format: "  after a push changing one file: p50 %.1f ms, p90 %.1f ms, max %.1f ms (%d rounds)   target ≤ 50 ms",
            percentile(times, 0.5), percentile(times, 0.9), times.last!, rounds))
}

func probeReconcileParts() {
    let dir = bigRepository(files: 10_000, commits: 10_000)
    let clock = ContinuousClock()
    let repo = try! Repository(path: dir)
    let head = try! repo.resolveCommit("refs/heads/main").id
    let base = try! repo.resolveCommit("refs/heads/main~1").id
    var start = clock.now
    let changes = try! repo.diff(from: base, to: head, detectRenames: false)
    print("diff: \(milliseconds(clock.now - start)) ms, \(changes.count) changes")
    start = clock.now
    _ = try! repo.file(at: "sire.yaml", in: base)
    _ = try! repo.file(at: "sire.yaml", in: head)
    print("config lookups: \(milliseconds(clock.now - start)) ms")
    let state = FileManager.default.temporaryDirectory.appendingPathComponent("sire-probe-\(UUID())").path
    let store = try! Store(directory: state)
    try! store.transactionNow { tx in
        for i in 0..<10_000 {
            try tx.saveDeployment(
                Deployment(workflowID: "wf-\(i)", path: "workflows/wf-\(i).yaml", attemptedCommit: head.description,
                    attemptedBlob: head.description, valid: true, appliedCommit: head.description,
                    appliedPath: "workflows/wf-\(i).yaml", appliedBlob: head.description))
        }
    }
    start = clock.now
    let all = try! store.snapshot { tx in try tx.deployments() }
    print("deployments(): \(milliseconds(clock.now - start)) ms, \(all.count)")
    start = clock.now
    try! repo.appendNotes([head: ["{\"x\":1}"]], ref: "refs/notes/probe", author: (name: "a", email: "b"), message: "m")
    print("appendNotes: \(milliseconds(clock.now - start)) ms")
}
