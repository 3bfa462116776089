import Foundation
import SireController
import SireCore
import SireEngine
import SireStore
import SireTools

/// A tool that does nothing, in process: what remains is the engine's own cost.
struct NoopTools: ToolInvoker {
    func call(_ call: ToolCall) async throws(ToolError) -> Value { .object([:]) }
}

struct FixedDefinitions: DefinitionLoader {
    let workflows: [String: Workflow]
    func workflow(for run: RunRecord) throws -> Workflow { workflows[run.workflowID]! }
}

struct TempCheckouts: CheckoutProvider {
    let directory: String
    func checkout(for run: RunRecord) throws -> String { directory }
    func release(_ run: RunRecord) {}
}

/// Records when each step's completion became durable (the observer sees events after commit).
final class CompletionClock: RunObserver, @unchecked Sendable {
    // Safety: `lock` guards `times`.
    private let lock = NSLock()
    private var times: [ContinuousClock.Instant] = []

    func observe(_ event: EventRecord) {
        guard event.kind == "step.succeeded" else { return }
        let now = ContinuousClock.now
        lock.lock()
        times.append(now)
        lock.unlock()
    }

    var instants: [ContinuousClock.Instant] {
        lock.lock()
        defer { lock.unlock() }
        return times
    }
}

func chain(_ id: String, steps: Int) -> Workflow {
    Workflow(
        id: id,
        steps: (0..<steps).map { i in
            Step(id: "s\(i)", tool: .local("log.write"), needs: i == 0 ? [] : ["s\(i - 1)"])
        })
}

func makeEngine(_ dir: String, workflows: [Workflow], observer: (any RunObserver)?) throws -> Engine {
    let store = try Store(directory: dir + "/state")
    return Engine(
        store: store, tools: NoopTools(), checkouts: TempCheckouts(directory: dir),
        definitions: FixedDefinitions(workflows: Dictionary(uniqueKeysWithValues: workflows.map { ($0.id, $0) })),
        observer: observer,
        configuration: EngineConfiguration(globalParallelism: 256, defaultMaxParallel: 8, owner: Engine.makeOwner()))
}

func newRun(_ workflow: Workflow, key: String) -> NewRun {
    NewRun(
        workflow: workflow, path: "workflows/\(workflow.id).yaml", blob: "0", definition: [],
        commit: PinnedCommit(sha: String(repeating: "0", count: 40), tree: String(repeating: "0", count: 40)),
        trigger: RunTrigger(type: "bench", key: key), inputs: [:])
}

func benchSequentialSteps(count: Int) async {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sire-bench-engine-\(UUID().uuidString)")
        .path
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let bare = bareCommitTimes(path: dir + "/bare.sqlite", count: count).sorted()
    let workflow = chain("sequential", steps: count)
    let clock = CompletionClock()
    let engine = try! makeEngine(dir, workflows: [workflow], observer: clock)
    precondition(try! engine.store.synchronousMode() == 2)
    let (run, _) = try! await engine.submit(newRun(workflow, key: "a"))
    let start = ContinuousClock.now
    let finished = try! await engine.execute(run.id)
    let total = milliseconds(ContinuousClock.now - start)
    precondition(finished.status == .succeeded)
    let instants = clock.instants
    var gaps: [Double] = []
    for i in 1..<instants.count { gaps.append(milliseconds(instants[i] - instants[i - 1])) }
    gaps.sort()
    let b50 = percentile(bare, 0.5)
    print("(a) \(count) sequential no-op steps, each committed (synchronous=FULL) before the next:")
    print(
        String(format: "    bare SQLite WAL FULL one-row commit  p50 %.3f ms  p99 %.3f ms", b50, percentile(bare, 0.99))
    )
    print(
        String(
            format: "    durable step                         p50 %.3f ms  p99 %.3f ms  = %.2fx bare (target ≤ 1.5x)",
            percentile(gaps, 0.5), percentile(gaps, 0.99), percentile(gaps, 0.5) / b50))
    print(String(format: "    whole run %.0f ms (%.3f ms per step)", total, total / Double(count)))
}

func benchConcurrentRuns(runs: Int, steps: Int) async {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sire-bench-engine-\(UUID().uuidString)")
        .path
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let workflow = chain("concurrent", steps: steps)
    let engine = try! makeEngine(dir, workflows: [workflow], observer: nil)
    var ids: [String] = []
    for i in 0..<runs { ids.append(try! await engine.submit(newRun(workflow, key: "r\(i)")).run.id) }
    let start = ContinuousClock.now
    let statuses = await withTaskGroup(of: RunStatus.self) { group in
        for id in ids { group.addTask { (try? await engine.execute(id))?.status ?? .failed } }
        var out: [RunStatus] = []
        for await status in group { out.append(status) }
        return out
    }
    let seconds = milliseconds(ContinuousClock.now - start) / 1000
    precondition(statuses.allSatisfy { $0 == .succeeded })
    print(
        String(
            format: "(b) %d concurrent runs × %d sequential no-op steps: %.2f s, %.0f steps/s (target ≥ 10,000)", runs,
            steps, seconds, Double(runs * steps) / seconds))
}

func benchShellOverhead(count: Int) async {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sire-bench-shell-\(UUID().uuidString)")
        .path
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let tools = Dispatcher()
    var direct: [Double] = [], viaTool: [Double] = [], sandboxed: [Double] = []
    let sandbox = StepIsolation.executable(named: "bwrap").map {
        StepIsolation(sandbox: .init(bubblewrap: $0, hiddenDirectories: ["/var/tmp"]))
    }
    for i in 0..<count {
        var start = ContinuousClock.now
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try! process.run()
        process.waitUntilExit()
        direct.append(milliseconds(ContinuousClock.now - start))
        start = ContinuousClock.now
        _ = try! await tools.call(
            ToolCall(
                tool: .local("shell.run"), params: .object(["argv": .array([.string("true")])]), runID: "bench",
                stepID: "s", attempt: i + 1, checkout: dir))
        viaTool.append(milliseconds(ContinuousClock.now - start))
        if let sandbox {
            start = ContinuousClock.now
            _ = try! await tools.call(
                ToolCall(
                    tool: .local("shell.run"), params: .object(["argv": .array([.string("true")])]), runID: "bench",
                    stepID: "s", attempt: i + 1, checkout: dir, isolation: sandbox))
            sandboxed.append(milliseconds(ContinuousClock.now - start))
        }
    }
    await tools.shutdown()
    direct.sort()
    viaTool.sort()
    print(
        String(
            format:
                "(c) shell.run of `true`: p50 %.2f ms, p99 %.2f ms; spawning `true` directly p50 %.2f ms → overhead p50 %.2f ms (target ≤ 3 ms)",
            percentile(viaTool, 0.5), percentile(viaTool, 0.99), percentile(direct, 0.5),
            percentile(viaTool, 0.5) - percentile(direct, 0.5)))
    sandboxed.sort()
    if !sandboxed.isEmpty {
        print(
            String(
                format: "(c') the same in a bubblewrap sandbox (--sandbox bubblewrap): p50 %.2f ms, p99 %.2f ms",
                percentile(sandboxed, 0.5), percentile(sandboxed, 0.99)))
    }
}
