import Foundation
import SireCore
import SireEngine
import SireStore
import SireTools
import Synchronization
import Testing

/// Every statement the hot paths run (submit, claim, steps, events, finish, the concurrency
/// check, the resume list, lease renewal) is planned by SQLite without walking history: no SCAN
/// of `runs`, `steps` or `events`, and no SEARCH through an index of every run ever made.
@Suite("Query plans of the hot paths")
struct QueryPlanTests {
    /// Indexes whose entries include finished runs: searching them for active work costs more
    /// with every run the index has seen.
    static let historyIndexes = ["runs_by_workflow", "runs_by_created", "runs_by_status", "runs_by_commit"]
    /// Partial indexes of unfinished runs (`WHERE finished_at IS NULL`).
    static let activeIndexes = ["runs_active", "runs_unfinished"]

    @Test("with 300 finished runs in the index, no hot-path statement scans or searches history")
    func hotPathsReadActiveRowsOnly() async throws {
        let base = NSTemporaryDirectory() + "sire-plans-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: base) }
        let recording = Mutex(false)
        let statements = Mutex<[String]>([])
        let store = try Store(directory: base + "/state") { sql in
            if recording.withLock({ $0 }) { statements.withLock { $0.append(sql) } }
        }
        let dispatcher = Dispatcher()
        let engine = EngineHarness.makeEngine(store: store, tools: dispatcher, sandbox: base, secrets: Secrets())
        let yaml = """
            id: flow
            steps:
              - id: a
                tool: sire:local/log.write
                params: { message: "a" }
              - id: b
                needs: [a]
                tool: sire:local/log.write
                params: { message: "b {{ steps.a.status }}" }
            """
        let workflow = try EngineHarness.workflow(yaml)
        func new() -> NewRun {
            NewRun(
                workflow: workflow, path: "workflows/flow.yaml", blob: "blob", definition: Array(yaml.utf8),
                commit: PinnedCommit(
                    sha: "0123456789abcdef0123456789abcdef01234567", tree: "89abcdef0123456789abcdef0123456789abcdef"),
                trigger: RunTrigger(type: "manual", key: UUID().uuidString), inputs: [:])
        }
        for _ in 0..<300 {
            let run = try await engine.submit(new()).run
            _ = try await engine.execute(run.id)
        }

        recording.withLock { $0 = true }
        let run = try await engine.submit(new()).run
        _ = try store.snapshot { tx in (try tx.activeRuns(of: "flow"), try tx.unfinishedRuns()) }
        _ = try await engine.execute(run.id)
        _ = try await engine.resumeUnfinished()
        try await store.transaction { tx in
            _ = try tx.activeRuns(of: "flow")
            try tx.renewLeases(owner: "nobody", until: Date())
        }
        recording.withLock { $0 = false }
        await dispatcher.shutdown()

        let audited = Set(
            statements.withLock { $0 }.filter { sql in
                let verb = sql.prefix { $0 != " " }.uppercased()
                return ["SELECT", "UPDATE", "INSERT", "DELETE"].contains(verb)
            })
        #expect(audited.count > 5, "too few statements traced: \(audited)")
        for sql in audited.sorted() {
            let plan = try store.queryPlan(of: sql)
            let bad = plan.filter { detail in
                // A scan of a partial index of unfinished runs reads active rows only.
                let activeOnly = Self.activeIndexes.contains { detail.contains("INDEX \($0)") }
                return ["SCAN runs", "SCAN steps", "SCAN events"].contains { detail.hasPrefix($0) } && !activeOnly
                    || Self.historyIndexes.contains { detail.contains("INDEX \($0)") }
            }
            #expect(bad.isEmpty, "\(sql)\n  plan: \(plan.joined(separator: " | "))")
        }
    }
}
