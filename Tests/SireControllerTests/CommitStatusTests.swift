import Foundation
import SireController
import SireCore
import SireGit
import SireStore
import SireTestSupport
import Testing

@Suite("Commit status from git and the ledger")
struct CommitStatusTests {
    /// 2026-03-28T12:00:00Z: the day before Europe/Paris springs forward.
    static let now = RFC3339.parse("2026-03-28T12:00:00Z")!

    static func valid(_ id: String, cron: String? = nil, timezone: String? = nil) -> String {
        var on = ""
        if let cron {
            on = "on:\n  schedule:\n    - cron: \"\(cron)\"\n" + (timezone.map { "      timezone: \($0)\n" } ?? "")
        }
        return """
            id: \(id)
            \(on)steps:
              - id: greet
                tool: sire:local/log.write
                params: { level: info, message: hello }

            """
    }

    /// A workflow whose step names a built-in that does not exist: an error at 4:22.
    static func broken(_ id: String) -> String {
        """
        id: \(id)
        steps:
          - id: a
            tool: sire:local/nope.nothing

        """
    }

    static func checkNote(
        _ commit: String, workflows: [String: CheckNote.WorkflowState] = [:], retired: [String]? = nil,
        refused: String? = nil, source: String = "controller", at: String = "2026-03-28T10:00:00.000Z"
    ) -> String {
        CheckNote(
            commit: commit, tree: "", workflows: workflows, tool_version: "0.1.0", source: source, retired: retired,
            refused: refused, at: at
        ).line()
    }

    static func annotate(_ fixture: GitFixture, _ commit: String, ref: String, _ lines: [String]) throws {
        let repository = try Repository(path: fixture.root)
        try repository.appendNotes(
            [try #require(ObjectID(commit)): lines], ref: ref, author: ("Sire", "sire@example.com"),
            message: "test")
    }

    static func status(_ fixture: GitFixture, _ revision: String = "HEAD", state: String? = nil) throws
        -> CommitStatus
    {
        let repository = try Repository(path: fixture.root)
        return try CommitStatusReader(repository: repository, stateDirectory: state).status(of: revision, now: now)
    }

    @Test("valid workflows of a reconciled commit are applied, listed or not")
    func applied() async throws {
        let fixture = try await GitFixture()
        try fixture.write("workflows/hello.yaml", Self.valid("hello"))
        try fixture.write("workflows/other.yaml", Self.valid("other"))
        let sha = try await fixture.commit("two workflows")
        let blob = try await fixture.git("rev-parse HEAD:workflows/hello.yaml")
        try Self.annotate(
            fixture, sha, ref: LedgerRef.checks,
            [
                Self.checkNote(
                    sha,
                    workflows: [
                        "hello": .init(path: "workflows/hello.yaml", blob: blob, valid: true, diagnostics: [])
                    ])
            ])

        let status = try Self.status(fixture)
        #expect(status.commit.sha == sha)
        #expect(status.commit.short == String(sha.prefix(7)))
        #expect(status.commit.subject == "two workflows")
        #expect(status.commit.author == "Ada Author")
        #expect(status.branch == "main")
        #expect(status.workflows.map(\.id) == ["hello", "other"])
        #expect(status.workflows.map(\.deployment.state) == [.applied, .applied])
        #expect(status.workflows[0].blob == blob)
        #expect(status.workflows.filter { !$0.valid }.isEmpty)
        #expect(status.reconcile?.toolVersion == "0.1.0")
    }

    @Test("an invalid version is attempted, naming the last good version that keeps running")
    func attemptedWithLastGood() async throws {
        let fixture = try await GitFixture()
        try fixture.write("workflows/hello.yaml", Self.valid("hello"))
        let good = try await fixture.commit("good")
        let goodBlob = try await fixture.git("rev-parse HEAD:workflows/hello.yaml")
        try fixture.write("workflows/hello.yaml", Self.broken("hello"))
        let bad = try await fixture.commit("bad")
        let badBlob = try await fixture.git("rev-parse HEAD:workflows/hello.yaml")
        try Self.annotate(
            fixture, bad, ref: LedgerRef.checks,
            [
                Self.checkNote(
                    bad,
                    workflows: [
                        "hello": .init(
                            path: "workflows/hello.yaml", blob: badBlob, valid: false, diagnostics: [],
                            applied_commit: good, applied_blob: goodBlob)
                    ])
            ])

        let workflow = try #require(try Self.status(fixture).workflows.first)
        #expect(workflow.id == "hello")
        #expect(!workflow.valid)
        #expect(workflow.deployment.state == .attempted)
        #expect(workflow.deployment.appliedCommit == good)
        #expect(workflow.deployment.appliedBlob == goodBlob)
        #expect(workflow.schedules.isEmpty)
        // The diagnostic points at the tool value, as `validate` reports it.
        let problem = try #require(workflow.diagnostics.first)
        #expect(problem.path == "workflows/hello.yaml")
        #expect(problem.severity == "error")
        #expect((problem.line, problem.column) == (4, 22))
        #expect(problem.rule == "unknown-builtin")
    }

    @Test("an invalid first version is attempted with nothing running")
    func attemptedWithoutLastGood() async throws {
        let fixture = try await GitFixture()
        try fixture.write("workflows/hello.yaml", Self.broken("hello"))
        let sha = try await fixture.commit("bad from the start")
        try Self.annotate(
            fixture, sha, ref: LedgerRef.checks,
            [
                Self.checkNote(
                    sha,
                    workflows: ["hello": .init(path: "workflows/hello.yaml", blob: "", valid: false, diagnostics: [])])
            ])
        let workflow = try #require(try Self.status(fixture).workflows.first)
        #expect(workflow.deployment.state == .attempted)
        #expect(workflow.deployment.appliedCommit == nil)
    }

    @Test("a file that lost a duplicate id does not borrow the winner's deployment")
    func duplicateID() async throws {
        let fixture = try await GitFixture()
        try fixture.write("workflows/a.yaml", Self.valid("hello"))
        try fixture.write("workflows/b.yaml", Self.valid("hello"))
        let sha = try await fixture.commit("two files claim hello")
        try Self.annotate(
            fixture, sha, ref: LedgerRef.checks,
            [
                Self.checkNote(
                    sha,
                    workflows: ["hello": .init(path: "workflows/a.yaml", blob: "", valid: true, diagnostics: [])])
            ])
        let workflows = try Self.status(fixture).workflows
        #expect(workflows.map(\.path) == ["workflows/a.yaml", "workflows/b.yaml"])
        #expect(workflows.map(\.valid) == [true, false])
        #expect(workflows.map(\.deployment.state) == [.applied, .attempted])
        #expect(workflows[1].diagnostics.map(\.rule) == ["duplicate-workflow-id"])
    }

    @Test("a refused commit deploys nothing, and says why")
    func refused() async throws {
        let fixture = try await GitFixture()
        try fixture.write("workflows/hello.yaml", Self.valid("hello"))
        let sha = try await fixture.commit("refused")
        try Self.annotate(
            fixture, sha, ref: LedgerRef.checks, [Self.checkNote(sha, refused: "not signed by an allowed key")])
        let status = try Self.status(fixture)
        #expect(status.workflows.map(\.deployment.state) == [.refused])
        #expect(status.workflows.first?.deployment.reason == "not signed by an allowed key")
        #expect(status.reconcile?.refused == "not signed by an allowed key")
    }

    @Test("without a controller record a commit is not reconciled, even with a check record")
    func notReconciled() async throws {
        let fixture = try await GitFixture()
        try fixture.write("workflows/hello.yaml", Self.valid("hello"))
        let sha = try await fixture.commit("fresh")
        #expect(try Self.status(fixture).workflows.map(\.deployment.state) == [.notReconciled])
        #expect(try Self.status(fixture).reconcile == nil)

        try Self.annotate(fixture, sha, ref: LedgerRef.checks, [Self.checkNote(sha, source: "check")])
        #expect(try Self.status(fixture).workflows.map(\.deployment.state) == [.notReconciled])
    }

    @Test("the latest of two controller records wins")
    func latestRecordWins() async throws {
        let fixture = try await GitFixture()
        try fixture.write("workflows/hello.yaml", Self.valid("hello"))
        let sha = try await fixture.commit("reconciled twice")
        try Self.annotate(
            fixture, sha, ref: LedgerRef.checks,
            [
                Self.checkNote(sha, refused: "first time", at: "2026-03-28T10:00:00.000Z"),
                Self.checkNote(sha, at: "2026-03-28T11:00:00.000Z"),
            ])
        #expect(try Self.status(fixture).workflows.map(\.deployment.state) == [.applied])
    }

    @Test("workflows retired by the commit are listed")
    func retired() async throws {
        let fixture = try await GitFixture()
        try fixture.write("workflows/hello.yaml", Self.valid("hello"))
        try fixture.write("workflows/old.yaml", Self.valid("old"))
        try await fixture.commit("two")
        try fixture.remove("workflows/old.yaml")
        let sha = try await fixture.commit("drop old")
        try Self.annotate(fixture, sha, ref: LedgerRef.checks, [Self.checkNote(sha, retired: ["old"])])
        let status = try Self.status(fixture)
        #expect(status.retired == ["old"])
        #expect(status.workflows.map(\.id) == ["hello"])
    }

    static func runNote(
        _ id: String, commit: String, status: String, started: String, finished: String,
        steps: [String: RunNote.Step] = [:], error: String? = nil
    ) -> String {
        RunNote(
            run: id, workflow: "hello", path: "workflows/hello.yaml", blob: "", commit: commit, tree: "",
            trigger: .init(type: "schedule", key: "hello@2026-03-28T09:00:00Z"), status: status, started_at: started,
            finished_at: finished, duration_ms: 1500, steps: steps, error: error, controller: "host:1:x"
        ).line()
    }

    @Test("runs are listed newest first with their outcome and failed steps; a run recorded twice shows once")
    func runs() async throws {
        let fixture = try await GitFixture()
        try fixture.write("workflows/hello.yaml", Self.valid("hello"))
        let sha = try await fixture.commit("runs")
        try Self.annotate(
            fixture, sha, ref: LedgerRef.runs,
            [
                Self.runNote(
                    "run-a", commit: sha, status: "succeeded", started: "2026-03-28T09:00:00.000Z",
                    finished: "2026-03-28T09:00:01.500Z"),
                Self.runNote(
                    "run-b", commit: sha, status: "failed", started: "2026-03-28T10:00:00.000Z",
                    finished: "2026-03-28T10:00:01.500Z",
                    steps: [
                        "greet": .init(status: "failed", attempts: 3, duration_ms: 900, error: "connection refused"),
                        "other": .init(status: "succeeded", attempts: 1, duration_ms: 5),
                    ], error: "step greet failed"),
                // The same run recorded by two processes: the later finish wins.
                Self.runNote(
                    "run-c", commit: sha, status: "failed", started: "2026-03-28T08:00:00.000Z",
                    finished: "2026-03-28T08:00:01.000Z"),
                Self.runNote(
                    "run-c", commit: sha, status: "cancelled", started: "2026-03-28T08:00:00.000Z",
                    finished: "2026-03-28T08:00:02.000Z"),
                "not json at all",
            ])

        let runs = try Self.status(fixture).runs
        #expect(runs.map(\.id) == ["run-b", "run-a", "run-c"])
        #expect(runs.map(\.status) == ["failed", "succeeded", "cancelled"])
        #expect(runs[0].failedSteps.map(\.id) == ["greet"])
        #expect(runs[0].failedSteps.first?.error == "connection refused")
        #expect(runs[0].failedSteps.first?.attempts == 3)
        #expect(runs[0].error == "step greet failed")
        #expect(runs[1].trigger.type == "schedule")
        #expect(runs[1].durationMs == 1500)
    }

    @Test("schedules list their next fires after now in their own time zone, across a DST jump")
    func schedules() async throws {
        let fixture = try await GitFixture()
        try fixture.write("workflows/paris.yaml", Self.valid("paris", cron: "30 2 * * *", timezone: "Europe/Paris"))
        try fixture.write("workflows/utc.yaml", Self.valid("utc", cron: "0 */6 * * *"))
        try await fixture.commit("schedules")
        let status = try Self.status(fixture)
        #expect(status.at == "2026-03-28T12:00:00Z")
        let paris = try #require(status.workflows.first { $0.id == "paris" }?.schedules.first)
        #expect(paris.timezone == "Europe/Paris")
        #expect(paris.cron == "30 2 * * *")
        // 02:30 does not exist on 2026-03-29 in Paris: it fires when the clocks jump, at 03:00.
        #expect(
            paris.next == ["2026-03-29T03:00:00+02:00", "2026-03-30T02:30:00+02:00", "2026-03-31T02:30:00+02:00"])
        let utc = try #require(status.workflows.first { $0.id == "utc" }?.schedules.first)
        #expect(utc.timezone == "UTC")
        #expect(utc.next == ["2026-03-28T18:00:00Z", "2026-03-29T00:00:00Z", "2026-03-29T06:00:00Z"])
    }

    @Test("an older commit is read from git objects, not the work tree, and is not the branch head")
    func olderCommit() async throws {
        let fixture = try await GitFixture()
        try fixture.write("workflows/hello.yaml", Self.valid("hello"))
        let first = try await fixture.commit("first")
        try fixture.write("workflows/late.yaml", Self.valid("late"))
        try await fixture.commit("second")
        try fixture.write("workflows/uncommitted.yaml", Self.valid("uncommitted"))
        let status = try Self.status(fixture, "HEAD~1")
        #expect(status.commit.sha == first)
        #expect(status.branch == nil)
        #expect(status.workflows.map(\.id) == ["hello"])
    }

    @Test("a revision that names no commit is a usage error")
    func badRevision() async throws {
        let fixture = try await GitFixture()
        try fixture.write("workflows/hello.yaml", Self.valid("hello"))
        try await fixture.commit("one")
        #expect {
            try Self.status(fixture, "no-such-branch")
        } throws: { error in
            (error as? ControllerError)?.code == .usage
        }
    }

    @Test("unfinished runs come from an existing index; no index is created to look")
    func inProgressLocal() async throws {
        let fixture = try await GitFixture()
        try fixture.write("workflows/hello.yaml", Self.valid("hello"))
        let sha = try await fixture.commit("one")
        let tree = try await fixture.git("rev-parse HEAD^{tree}")

        let empty = fixture.sandbox + "/empty-state"
        #expect(try Self.status(fixture, state: empty).inProgress.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: empty + "/index.sqlite"))

        let state = fixture.sandbox + "/state"
        do {
            let store = try Store(directory: state)
            func record(_ id: String, _ status: RunStatus, commit: String) -> RunRecord {
                RunRecord(
                    id: id, workflowID: "hello", path: "workflows/hello.yaml", blob: "",
                    commit: PinnedCommit(sha: commit, tree: tree), trigger: RunTrigger(type: "http", key: id),
                    inputs: [:], definition: [], status: status, createdAt: Self.now)
            }
            try store.transactionNow { tx in
                _ = try tx.insertRun(record("live", .running, commit: sha), steps: ["greet"])
                _ = try tx.insertRun(record("done", .running, commit: sha), steps: ["greet"])
                try tx.setRunStatus("done", .succeeded)
                _ = try tx.insertRun(record("elsewhere", .queued, commit: String(repeating: "1", count: 40)), steps: [])
            }
        }
        let local = try Self.status(fixture, state: state).inProgress
        #expect(local.map(\.id) == ["live"])
        #expect(local.first?.status == "running")
    }
}
