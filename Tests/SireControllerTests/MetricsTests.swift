import Foundation
import MetricsTestKit
import SireCore
import SireGit
import SireSpec
import SireStore
import SireTestSupport
import Testing

@testable import SireController

/// What the controller reports to swift-metrics (issue 5, part 4): each test captures its own
/// metrics through the task-local factory, so tests running in parallel never mix their counts.
@Suite struct MetricsTests {
    /// A run of a parsed workflow pinned to the fixture's head.
    struct Runs {
        let repo: GitFixture
        let runtime: Runtime
        let head: CommitInfo

        init() async throws {
            repo = try await GitFixture()
            try repo.write("README.md", "x\n")
            _ = try await repo.commit("initial")
            runtime = try Runtime.make(
                gitDirectory: repo.root + "/.git", state: repo.sandbox + "/state", secrets: Secrets(),
                observer: MetricsRunObserver())
            head = try Repository(path: repo.root).resolveCommit("HEAD")
        }

        func live(_ text: String) throws -> LiveWorkflow {
            let report = WorkflowValidator.validate(
                WorkflowFile(path: "workflows/w.yaml", bytes: Array(text.utf8)), config: RepoConfig())
            let workflow = try #require(report.workflow, "\(report.diagnostics)")
            return LiveWorkflow(
                workflow: workflow, path: "workflows/w.yaml", blob: "0000000000000000000000000000000000000001",
                definition: Array(text.utf8), commit: head)
        }

        func launch(_ launcher: RunLauncher, _ workflow: LiveWorkflow, type: String, key: String) async throws
            -> LaunchOutcome
        {
            try await launcher.launch(
                workflow, trigger: RunTrigger(type: type, key: key), inputs: [:],
                commit: PinnedCommit(head, ref: "refs/heads/main"))
        }
    }

    @Test func finishedRunsAreCountedByWorkflowStatusAndTrigger() async throws {
        let metrics = TestMetrics()
        let runs = try await Runs()
        let good = try runs.live(
            """
            id: good
            steps:
              - id: hello
                tool: sire:local/log.write
                params: { message: hi }
              - id: nap
                needs: [hello]
                tool: sire:local/time.sleep
                params: { duration: 50ms }

            """)
        let bad = try runs.live(
            """
            id: bad
            steps:
              - id: boom
                tool: sire:local/shell.run
                params: { argv: [sh, -c, "exit 3"] }

            """)
        try await SireMetrics.$factory.withValue(metrics) {
            let launcher = RunLauncher(engine: runs.runtime.engine)
            _ = try await runs.launch(launcher, good, type: "schedule", key: "t1")
            _ = try await runs.launch(launcher, good, type: "http", key: "h1")
            _ = try await runs.launch(launcher, bad, type: "push", key: "p1")
            await launcher.waitUntilIdle()
        }
        await runs.runtime.shutdown()

        #expect(
            try metrics.expectCounter(SireMetrics.runsStarted, [("workflow", "good"), ("trigger", "schedule")])
                .totalValue == 1)
        #expect(
            try metrics.expectCounter(SireMetrics.runsStarted, [("workflow", "good"), ("trigger", "http")]).totalValue
                == 1)
        #expect(
            try metrics.expectCounter(SireMetrics.runsStarted, [("workflow", "bad"), ("trigger", "push")]).totalValue
                == 1)
        #expect(
            try metrics.expectCounter(SireMetrics.runsTotal, [("workflow", "good"), ("status", "succeeded")]).totalValue
                == 2)
        #expect(
            try metrics.expectCounter(SireMetrics.runsTotal, [("workflow", "bad"), ("status", "failed")]).totalValue
                == 1)
        #expect(
            metrics.counters(label: SireMetrics.runsTotal, dimensions: [("workflow", "good"), ("status", "failed")])
                .isEmpty)

        // Run durations cover the 50 ms nap; step durations are per step and final status.
        let runDurations = try metrics.expectTimer(SireMetrics.runDuration, [("workflow", "good")]).values
        #expect(runDurations.count == 2)
        #expect(runDurations.allSatisfy { $0 >= 50_000_000 })
        let succeededSteps = try metrics.expectTimer(
            SireMetrics.stepDuration, [("workflow", "good"), ("status", "succeeded")]
        ).values
        #expect(succeededSteps.count == 4, "two steps in each of two runs")
        #expect(succeededSteps.filter { $0 >= 50_000_000 }.count >= 2, "the naps")
        #expect(
            try metrics.expectTimer(SireMetrics.stepDuration, [("workflow", "bad"), ("status", "failed")]).values.count
                == 1)

        // Nothing is left executing.
        #expect(try metrics.expectGauge(SireMetrics.runsExecuting).lastValue == 0)
    }

    @Test func queueDepthAndExecutingFollowTheConcurrencyPolicy() async throws {
        let metrics = TestMetrics()
        let runs = try await Runs()
        let queued = try runs.live(
            """
            id: serial
            concurrency: { limit: 1, policy: queue }
            steps:
              - id: nap
                tool: sire:local/time.sleep
                params: { duration: 400ms }

            """)
        try await SireMetrics.$factory.withValue(metrics) {
            let launcher = RunLauncher(engine: runs.runtime.engine)
            for key in ["a", "b", "c"] { _ = try await runs.launch(launcher, queued, type: "schedule", key: key) }
            #expect(try metrics.expectGauge(SireMetrics.runsQueued, [("workflow", "serial")]).lastValue == 2)
            await launcher.waitUntilIdle()
        }
        await runs.runtime.shutdown()

        let depth = try metrics.expectGauge(SireMetrics.runsQueued, [("workflow", "serial")]).values
        #expect(depth.max() == 2)
        #expect(depth.last == 0)
        let executing = try metrics.expectGauge(SireMetrics.runsExecuting).values
        #expect(executing.max() == 1, "limit 1: never two at once")
        #expect(executing.last == 0)
        #expect(
            try metrics.expectCounter(SireMetrics.runsTotal, [("workflow", "serial"), ("status", "succeeded")])
                .totalValue == 3)
    }

    @Test func reconcilesAreTimedAndCountedByResult() async throws {
        let metrics = TestMetrics()
        let repo = try await GitFixture()
        let store = try Store(directory: repo.sandbox + "/state")
        let reconciler = Reconciler(gitDirectory: repo.root + "/.git", store: store)
        func reconcileHead() async throws -> ReconcileOutcome {
            try reconciler.reconcile(head: #require(ObjectID(try await repo.git("rev-parse HEAD"))))
        }
        try await SireMetrics.$factory.withValue(metrics) {
            try repo.write("workflows/a.yaml", ReconcilerTests.workflow("a"))
            _ = try await repo.commit("a")
            #expect(try await reconcileHead().applied.map(\.id) == ["a"])
            #expect(try await reconcileHead().alreadyReconciled)
            try repo.write("README.md", "no workflow changed\n")
            _ = try await repo.commit("readme")
            #expect(try await reconcileHead().deployed)
            try repo.remove("workflows/a.yaml")
            _ = try await repo.commit("remove every workflow")
            #expect(try await reconcileHead().refused != nil)
            let missing = try #require(ObjectID(String(repeating: "ab", count: 20)))
            #expect(throws: (any Error).self) { try reconciler.reconcile(head: missing) }
        }

        func count(_ result: SireMetrics.ReconcileResult) -> Int64 {
            metrics.counterTotal(label: SireMetrics.reconcilesTotal, dimensions: [("result", result.rawValue)])
        }
        #expect(count(.applied) == 1)
        #expect(count(.noop) == 2, "already reconciled, and a commit that changed no workflow")
        #expect(count(.refused) == 1)
        #expect(count(.error) == 1)
        let durations = try metrics.expectTimer(SireMetrics.reconcileDuration).values
        #expect(durations.count == 5)
        #expect(durations.allSatisfy { $0 > 0 })
        // Every reconcile that got as far as writing wrote its check record (not the no-op).
        #expect(metrics.counterTotal(label: SireMetrics.ledgerWrites, dimensions: [("kind", "check")]) == 3)
    }

    @Test func onTimeTicksRecordTheirLatenessAndCatchUpTicksDoNot() async throws {
        let metrics = TestMetrics()
        let t0 = at("2026-01-01T00:00:00Z")
        try await SireMetrics.$factory.withValue(metrics) {
            let f = try SchedulerFixture(start: t0)
            await f.scheduler.set(.make("tenth", ["*/10 * * * * *"]))
            await f.jump(to: t0 + 10.25)
            await f.step(to: t0 + 20)
            // Two hours stalled: the missed tick fires by catch-up, which is not lateness.
            await f.scheduler.set(.make("hourly", ["0 * * * *"], catchup: CatchupPolicy(mode: .latest)))
            await f.scheduler.remove("tenth")
            await f.jump(to: t0 + 2 * 3600 + 30 * 60)
            #expect(await f.log.ticks.contains { $0.workflowID == "hourly" && $0.isCatchup })
            await f.discard()
        }
        #expect(try metrics.expectTimer(SireMetrics.scheduleLateness).values == [250_000_000, 0])
    }

    @Test func ledgerWritesFailuresAndOutboxAreReported() async throws {
        let metrics = TestMetrics()
        let setup = try await LedgerWriterTests.Setup(commits: 2)
        let start = Date(timeIntervalSince1970: 1_780_000_000)
        try setup.finishRun("r1", on: 0, at: start)
        try setup.finishRun("r2", on: 1, at: start.addingTimeInterval(1))
        try setup.finishRun("r3", on: 1, status: .failed, at: start.addingTimeInterval(2))
        try setup.finishRun("bad", sha: "abc123", tree: "def456", at: start.addingTimeInterval(3))
        try SireMetrics.$factory.withValue(metrics) {
            #expect(try setup.writer.drainNow() == 3)
            // Nothing pending: an empty drain reports an empty outbox and writes nothing.
            #expect(try setup.writer.drainNow() == 0)
            try setup.writer.writeCheck(
                CheckNote(
                    commit: setup.commits[0].id.description, tree: setup.commits[0].tree.description, workflows: [:],
                    tool_version: "test"))
        }
        #expect(metrics.counterTotal(label: SireMetrics.ledgerWrites, dimensions: [("kind", "run")]) == 3)
        #expect(metrics.counterTotal(label: SireMetrics.ledgerWrites, dimensions: [("kind", "check")]) == 1)
        #expect(metrics.counterTotal(label: SireMetrics.ledgerWriteFailures, dimensions: [("kind", "run")]) == 1)
        let outbox = try metrics.expectGauge(SireMetrics.ledgerOutbox).values
        #expect(outbox.first == 4, "four finished runs were waiting")
        #expect(outbox.last == 0)
    }

    @Test func everyNameIsAPrometheusNameWithBucketsForEveryTimer() {
        #expect(Set(SireMetrics.names).count == SireMetrics.names.count)
        for name in SireMetrics.names {
            #expect(name.hasPrefix("sire_") && name.allSatisfy { $0.isLowercase || $0 == "_" }, "\(name)")
        }
        let timers = [
            SireMetrics.runDuration, SireMetrics.stepDuration, SireMetrics.scheduleLateness,
            SireMetrics.reconcileDuration,
        ]
        for timer in timers {
            let buckets = SireMetrics.durationBuckets[timer] ?? []
            #expect(!buckets.isEmpty && buckets == buckets.sorted(), "\(timer)")
        }
    }
}
