import Foundation
import SireCore
import SireEngine
import SireSpec
import SireStore
import SireTools

/// A real engine wired as the command line wires it: an SQLite index in a temporary state
/// directory, the real dispatcher, a checkout directory per run and definitions parsed from
/// the run's stored YAML. Steps leave evidence (timestamps, counters, pids) in `scratch`.
final class EngineHarness: Sendable {
    /// Everything the harness made lives under here; removed at the end.
    let sandbox: String
    /// The state directory (index and artifacts).
    let state: String
    /// Where steps write what the tests read back.
    let scratch: String
    let store: Store
    let engine: Engine
    let dispatcher: Dispatcher
    let secrets: Secrets

    private init(sandbox: String, secrets: Secrets, tools: (@Sendable (Dispatcher) -> any ToolInvoker)?) throws {
        self.sandbox = sandbox
        state = sandbox + "/state"
        scratch = sandbox + "/scratch"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        self.secrets = secrets
        dispatcher = Dispatcher()
        store = try Store(directory: state)
        engine = Self.makeEngine(
            store: store, tools: tools?(dispatcher) ?? dispatcher, sandbox: sandbox, secrets: secrets)
    }

    /// Runs `body` with a fresh harness, then shuts the dispatcher down and removes the files.
    static func with<T>(
        secrets: Secrets = Secrets(), tools: (@Sendable (Dispatcher) -> any ToolInvoker)? = nil,
        _ body: (EngineHarness) async throws -> T
    ) async throws -> T {
        let base = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("sire-engine-tests-\(UUID().uuidString)").resolvingSymlinksInPath().path
        let harness = try EngineHarness(sandbox: base, secrets: secrets, tools: tools)
        do {
            let result = try await body(harness)
            await harness.dispatcher.shutdown()
            try? FileManager.default.removeItem(atPath: base)
            return result
        } catch {
            await harness.dispatcher.shutdown()
            try? FileManager.default.removeItem(atPath: base)
            throw error
        }
    }

    /// A second engine (a restarted process) over its own store on the same state directory.
    func reopened(owner: String = Engine.makeOwner()) throws -> (store: Store, engine: Engine) {
        let store = try Store(directory: state)
        return (
            store, Self.makeEngine(store: store, tools: dispatcher, sandbox: sandbox, secrets: secrets, owner: owner)
        )
    }

    static func makeEngine(
        store: Store, tools: any ToolInvoker, sandbox: String, secrets: Secrets, owner: String = Engine.makeOwner()
    ) -> Engine {
        Engine(
            store: store, tools: tools, checkouts: TestCheckouts(root: sandbox + "/checkouts"),
            definitions: YAMLDefinitions(), secrets: secrets,
            configuration: EngineConfiguration(
                defaultMaxParallel: 4, cancelPollInterval: .milliseconds(50), owner: owner))
    }

    // MARK: runs

    /// Parses and validates a workflow as the command line does; a test's YAML must be valid.
    static func workflow(_ yaml: String, path: String = "workflows/test.yaml") throws -> Workflow {
        let report = WorkflowValidator.validate(
            WorkflowFile(path: path, blob: "blob", bytes: Array(yaml.utf8)), config: RepoConfig())
        guard let workflow = report.workflow, report.isValid else {
            throw HarnessError(
                "invalid test workflow: " + report.diagnostics.map(\.description).joined(separator: "; "))
        }
        return workflow
    }

    /// Records a run of `yaml` without executing it.
    func submit(
        _ yaml: String, trigger: RunTrigger = RunTrigger(type: "manual", key: UUID().uuidString),
        inputs: [String: Value] = [:], engine: Engine? = nil
    ) async throws -> RunRecord {
        let workflow = try Self.workflow(yaml)
        let new = NewRun(
            workflow: workflow, path: "workflows/\(workflow.id).yaml", blob: "blob-\(workflow.id)",
            definition: Array(yaml.utf8),
            commit: PinnedCommit(
                sha: "0123456789abcdef0123456789abcdef01234567", tree: "89abcdef0123456789abcdef0123456789abcdef",
                ref: "refs/heads/main", message: "test commit", author: "Test <test@example.com>"),
            trigger: trigger, inputs: inputs)
        return try await (engine ?? self.engine).submit(new).run
    }

    /// Submits and executes a run of `yaml` to its end; returns everything the index holds about it.
    func run(
        _ yaml: String, trigger: RunTrigger = RunTrigger(type: "manual", key: UUID().uuidString),
        inputs: [String: Value] = [:]
    ) async throws -> RunResult {
        let record = try await submit(yaml, trigger: trigger, inputs: inputs)
        _ = try await engine.execute(record.id)
        return try result(of: record.id)
    }

    /// What the index holds about a run.
    func result(of runID: String, in store: Store? = nil) throws -> RunResult {
        try RunResult(runID: runID, store: store ?? self.store)
    }

    // MARK: evidence

    /// The path of a scratch file.
    func path(_ name: String) -> String { scratch + "/" + name }

    /// The lines of a scratch file (empty when it does not exist).
    func lines(_ name: String) -> [String] {
        guard let text = try? String(contentsOfFile: path(name), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map(String.init)
    }

    /// A timestamp a step wrote with `date +%s%N`, in seconds.
    func stamp(_ name: String) throws -> Double {
        guard let line = lines(name).first, let nanoseconds = Double(line) else {
            throw HarnessError("no timestamp in \(name)")
        }
        return nanoseconds / 1e9
    }

    /// A shell command (for `sh -c`) that records when it starts and ends around `sleep`.
    func timed(_ name: String, sleep seconds: String) -> String {
        "date +%s%N > \(path(name)).start; sleep \(seconds); date +%s%N > \(path(name)).end"
    }
}

/// One directory per run under the sandbox; kept after the run so tests can look inside.
struct TestCheckouts: CheckoutProvider {
    let root: String

    func checkout(for run: RunRecord) throws -> String {
        let directory = "\(root)/\(run.id)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    func release(_ run: RunRecord) {}
}

/// Parses a run's stored definition, as the command line does (with a default `sire.yaml`).
struct YAMLDefinitions: DefinitionLoader {
    func workflow(for run: RunRecord) throws -> Workflow {
        let report = WorkflowValidator.validate(
            WorkflowFile(path: run.path, blob: run.blob, bytes: run.definition), config: RepoConfig())
        guard let workflow = report.workflow else {
            throw HarnessError(report.diagnostics.map(\.description).joined(separator: "; "))
        }
        return workflow
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
