// Benchmarks that print numbers: `make bench` (release build). Each prints what it measured,
// the conditions, and the target from the issue that asked for it.
import Foundation
import Logging
import SireCLI
import SireController
import SireCore
import SireGit
import SireSpec

/// Runs a shell command, failing loudly: benchmark set-up must not silently measure nothing.
func sh(_ command: String, in directory: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    var env = ProcessInfo.processInfo.environment
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    env["GIT_AUTHOR_NAME"] = "Bench"
    env["GIT_AUTHOR_EMAIL"] = "bench@example.com"
    env["GIT_COMMITTER_NAME"] = "Bench"
    env["GIT_COMMITTER_EMAIL"] = "bench@example.com"
    process.environment = env
    try! process.run()
    process.waitUntilExit()
    precondition(process.terminationStatus == 0, "failed: \(command)")
}

func milliseconds(_ d: Duration) -> Double {
    Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
}

/// A workflow of realistic size (6 steps, templates, a schedule), varied by `i`.
func workflow(_ i: Int) -> String {
    """
    id: wf-\(i)
    name: Workflow \(i)
    inputs:
      region: { type: string, default: eu, enum: [eu, us] }
      limit: { type: integer, default: \(i % 100 + 1) }
    on:
      schedule:
        - cron: "\(i % 60) \(i % 24) * * *"
          timezone: Europe/Paris
      http: {}
    concurrency: { limit: 1, policy: skip }
    defaults: { retry: { max_attempts: 3 }, timeout: 5m }
    steps:
      - id: fetch
        tool: sire:local/http.request
        params: { method: GET, url: "https://api.example.com/{{ inputs.region }}/\(i)" }
        retry: { max_attempts: 5, backoff: exponential, initial_interval: 1s, max_interval: 1m }
      - id: shape
        needs: [fetch]
        when: "steps.fetch.output.status == 200 && len(steps.fetch.output.body.items) > 0"
        tool: sire:local/data.transform
        params: { data: "{{ steps.fetch.output.body.items }}", operation: map, expression: "item.value * 2" }
      - id: upload
        needs: [shape]
        foreach: "{{ steps.shape.output.result }}"
        max_parallel: 4
        tool: sire:local/http.request
        params: { method: POST, url: "https://api.example.com/up", body: { value: "{{ item }}", n: "{{ index }}" } }
        on_error: { goto: alert }
      - id: alert
        tool: sire:local/log.write
        params: { level: error, message: "upload failed: {{ steps.upload.error }}" }
      - id: poll
        needs: [upload]
        tool: sire:local/http.request
        params: { url: "https://api.example.com/job/{{ run.id }}" }
        repeat: { until: "output.body.done", max_iterations: 20, interval: 5s }
      - id: report
        needs: [poll]
        tool: sire:local/log.write
        params: { level: info, message: "{{ workflow.id }} done at {{ git.short_sha }}: {{ toJSON(steps.poll.output) }}" }

    """
}

func benchValidateAtRevision(files count: Int, rounds: Int) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sire-bench-\(UUID().uuidString)").path
    try! FileManager.default.createDirectory(atPath: dir + "/workflows", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    for i in 0..<count {
        try! Data(workflow(i).utf8).write(to: URL(fileURLWithPath: "\(dir)/workflows/wf-\(i).yaml"))
    }
    sh("git init -q --initial-branch=main . && git add -A && git commit -qm bench", in: dir)

    let clock = ContinuousClock()
    var load: [Double] = [], validate: [Double] = [], total: [Double] = []
    var bytes = 0
    for _ in 0..<rounds {
        let start = clock.now
        let repository = try! Repository(path: dir)
        let head = try! repository.resolveCommit("HEAD")
        let set = try! WorkflowSet.load(repository: repository, commit: head)
        let loaded = clock.now
        let report = set.validate()
        let end = clock.now
        precondition(report.errorCount == 0 && report.files.count == count, "bench workflows must be valid")
        bytes = set.files.reduce(0) { $0 + $1.bytes.count }
        load.append(milliseconds(loaded - start))
        validate.append(milliseconds(end - loaded))
        total.append(milliseconds(end - start))
    }
    load.sort()
    validate.sort()
    total.sort()
    print("validate \(count) workflow files at a revision (\(bytes / 1024) KiB, 6 steps each), \(rounds) rounds:")
    print(String(format: "  read from git   median %7.1f ms", percentile(load, 0.5)))
    print(
        String(
            format: "  validate        median %7.1f ms  (%.0f µs per file)", percentile(validate, 0.5),
            percentile(validate, 0.5) * 1000 / Double(count)))
    print(
        String(
            format: "  total           median %7.1f ms  min %.1f ms  max %.1f ms   target < 1000 ms",
            percentile(total, 0.5), total.first!, total.last!))
}

func benchCron(schedules count: Int) {
    let zone = TimeZones.named("Europe/Paris")!
    let expressions = [
        "*/5 * * * *", "0 2 * * *", "30 9 * * MON-FRI", "0 0 L * *", "*/10 * * * * *", "15 3 1,15 * SUN",
    ]
    let parsed = (0..<count).map { try! CronSchedule.parse(expressions[$0 % expressions.count]) }
    let clock = ContinuousClock()
    let now = Date(timeIntervalSince1970: 1_774_735_200)  // 2026-03-28T22:00:00Z, around the Paris DST jump
    let start = clock.now
    var fires = 0
    for schedule in parsed {
        if schedule.nextFire(after: now, in: zone) != nil { fires += 1 }
    }
    let elapsed = milliseconds(clock.now - start)
    print(
        String(
            format: "cron next fire: %d schedules in %.2f ms (%.2f µs each), %d fired", count, elapsed,
            elapsed * 1000 / Double(count), fires))
}

// Benchmarks print their numbers on stdout; keep the services' info logs out of the way.
LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = .warning
    return handler
}

let arguments = CommandLine.arguments.dropFirst()
let which = arguments.first ?? "all"
if which == "all" || which == "validate" { benchValidateAtRevision(files: 1000, rounds: 5) }
if which == "all" || which == "cron" { benchCron(schedules: 100_000) }
if which == "all" || which == "store" { await benchStoreCommit(count: 1000) }
if which == "sequential" { await benchSequentialSteps(count: 3000) }
if which == "all" || which == "reconcile" { benchReconcile() }
if which == "all" || which == "scheduler" { await SchedulerBench.run() }
if which == "all" || which == "ledger" { LedgerBench.run() }
if which == "all" || which == "status" { StatusBench.run() }
if which == "all" || which == "mcp" { await MCPBench.run() }
if which == "all" || which == "mcpserve" { await MCPServeBench.run() }
if which == "all" || which == "push" { await benchPushToFirstStep() }
if which == "all" || which == "remote" { await RemoteBench.run() }
if which == "history" { await HistoryBench.run() }
if which == "ledger-scale" { await LedgerScaleBench.run() }
if which == "all" || which == "http" { await HTTPBench.run() }
if which == "all" || which == "engine" {
    await benchSequentialSteps(count: 1000)
    await benchConcurrentRuns(runs: 100, steps: 100)
    await benchShellOverhead(count: 200)
}
