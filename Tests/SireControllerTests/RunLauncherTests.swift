import Foundation
import SireCore
import SireEngine
import SireGit
import SireSpec
import SireStore
import SireTestSupport
import Testing

@testable import SireController

/// Concurrency policies (SPEC §3) with the real engine and index: skip, queue, replace.
@Suite struct RunLauncherTests {
    let repo: GitFixture
    let runtime: Runtime
    let head: CommitInfo

    init() async throws {
        repo = try await GitFixture()
        try repo.write("README.md", "x\n")
        _ = try await repo.commit("initial")
        runtime = try Runtime.make(
            gitDirectory: repo.root + "/.git", state: repo.sandbox + "/state", secrets: Secrets())
        head = try Repository(path: repo.root).resolveCommit("HEAD")
    }

    func live(policy: String, sleep: String = "300ms") throws -> LiveWorkflow {
        let text = """
            id: slow
            concurrency: { limit: 1, policy: \(policy) }
            steps:
              - id: nap
                tool: sire:local/time.sleep
                params: { duration: \(sleep) }

            """
        let report = WorkflowValidator.validate(
            WorkflowFile(path: "workflows/slow.yaml", bytes: Array(text.utf8)), config: RepoConfig())
        let workflow = try #require(report.workflow, "\(report.diagnostics)")
        return LiveWorkflow(
            workflow: workflow, path: "workflows/slow.yaml", blob: "0000000000000000000000000000000000000001",
            definition: Array(text.utf8), commit: head)
    }

    func launch(_ launcher: RunLauncher, _ workflow: LiveWorkflow, key: String) async throws -> LaunchOutcome {
        try await launcher.launch(
            workflow, trigger: RunTrigger(type: "schedule", key: key), inputs: [:],
            commit: PinnedCommit(head, ref: "refs/heads/main"))
    }

    /// The runs in the order they were recorded (trigger keys are chosen in that order).
    func runs() throws -> [RunRecord] {
        try runtime.store.snapshot { tx in try tx.runs(workflow: "slow", limit: 100) }
            .sorted { ($0.createdAt, $0.trigger.key) < ($1.createdAt, $1.trigger.key) }
    }

    @Test func skipDropsARunThatFindsTheLimitReached() async throws {
        let launcher = RunLauncher(engine: runtime.engine)
        let workflow = try live(policy: "skip")
        guard case .started = try await launch(launcher, workflow, key: "t1") else {
            Issue.record("first run not started")
            return
        }
        guard case .skipped = try await launch(launcher, workflow, key: "t2") else {
            Issue.record("second run not skipped")
            return
        }
        await launcher.waitUntilIdle()
        #expect(try runs().map(\.status) == [.succeeded])
        // Once the first has finished, the next one starts.
        guard case .started = try await launch(launcher, workflow, key: "t3") else {
            Issue.record("third run not started")
            return
        }
        await launcher.waitUntilIdle()
        #expect(try runs().count == 2)
        await runtime.shutdown()
    }

    @Test func queueRunsThemOneAfterAnotherInOrder() async throws {
        let launcher = RunLauncher(engine: runtime.engine)
        let workflow = try live(policy: "queue", sleep: "150ms")
        var outcomes: [LaunchOutcome] = []
        for key in ["a", "b", "c"] { outcomes.append(try await launch(launcher, workflow, key: key)) }
        if case .started = outcomes[0] {} else { Issue.record("first not started: \(outcomes[0])") }
        for outcome in outcomes.dropFirst() {
            if case .queued = outcome {} else { Issue.record("not queued: \(outcome)") }
        }
        // The same trigger again is the same run.
        if case .existing = try await launch(launcher, workflow, key: "b") {} else { Issue.record("duplicate run") }
        await launcher.waitUntilIdle()
        let finished = try runs()
        #expect(finished.map(\.trigger.key) == ["a", "b", "c"])
        #expect(finished.allSatisfy { $0.status == .succeeded })
        // Never two at once: each started after the previous finished.
        for (previous, next) in zip(finished, finished.dropFirst()) {
            #expect(try #require(next.startedAt) >= previous.finishedAt!)
        }
        await runtime.shutdown()
    }

    @Test func replaceCancelsTheActiveRunAndStartsTheNewOne() async throws {
        let launcher = RunLauncher(engine: runtime.engine)
        let workflow = try live(policy: "replace", sleep: "20s")
        _ = try await launch(launcher, workflow, key: "old")
        try await Task.sleep(for: .milliseconds(200))
        let quick = try live(policy: "replace", sleep: "10ms")
        _ = try await launch(launcher, quick, key: "new")
        let deadline = Date().addingTimeInterval(15)
        while try runs().contains(where: { !$0.status.isFinished }) && Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let all = try runs()
        #expect(all.first { $0.trigger.key == "old" }?.status == .cancelled)
        #expect(all.first { $0.trigger.key == "new" }?.status == .succeeded)
        await launcher.waitUntilIdle()
        await runtime.shutdown()
    }

    @Test func queuedRunsSurviveARestartAndStillRespectTheLimit() async throws {
        let workflow = try live(policy: "queue", sleep: "100ms")
        // Record three runs as queued without executing them (as if the process died).
        for key in ["x", "y", "z"] {
            _ = try await runtime.engine.submit(
                NewRunFixture.make(workflow, key: key, commit: PinnedCommit(head, ref: nil)))
        }
        let launcher = RunLauncher(engine: runtime.engine)
        await launcher.setPolicy(workflow.workflow.concurrency, for: "slow")
        try await launcher.resumeUnfinished()
        #expect(await launcher.executingCount == 1)
        await launcher.waitUntilIdle()
        // waitUntilIdle returns between runs too: wait for all three.
        let deadline = Date().addingTimeInterval(10)
        while try runs().contains(where: { !$0.status.isFinished }) && Date() < deadline {
            await launcher.waitUntilIdle()
            try await Task.sleep(for: .milliseconds(20))
        }
        // Runs recorded in one millisecond share `createdAt`: compare them in the order they ran.
        let finished = try runs().sorted { ($0.startedAt ?? .distantFuture) < ($1.startedAt ?? .distantFuture) }
        #expect(finished.count == 3)
        #expect(finished.allSatisfy { $0.status == .succeeded })
        for (previous, next) in zip(finished, finished.dropFirst()) {
            #expect(try #require(next.startedAt) >= previous.finishedAt!)
        }
        await runtime.shutdown()
    }
}

enum NewRunFixture {
    static func make(_ live: LiveWorkflow, key: String, commit: PinnedCommit) -> NewRun {
        NewRun(
            workflow: live.workflow, path: live.path, blob: live.blob, definition: live.definition, commit: commit,
            trigger: RunTrigger(type: "schedule", key: key), inputs: [:])
    }
}
