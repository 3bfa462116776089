import Foundation
import SireCore
import SireGit
import SireStore
import SireTestSupport
import Testing

@testable import SireController

@Suite("Ledger writer")
struct LedgerWriterTests {
    /// A repository with `commits` commits and an index in its sandbox.
    struct Setup {
        let fixture: GitFixture
        let store: Store
        let commits: [CommitInfo]
        var writer: LedgerWriter { LedgerWriter(gitDirectory: fixture.root + "/.git", store: store) }

        init(commits count: Int = 2) async throws {
            fixture = try await GitFixture()
            var commits: [CommitInfo] = []
            for index in 0..<count {
                let sha = try await fixture.commit("commit \(index)")
                commits.append(try Repository(path: fixture.root).commit(#require(ObjectID(sha))))
            }
            self.commits = commits
            store = try Store(directory: fixture.sandbox + "/state")
        }

        /// Records a finished run pinned to `sha` (two steps, one fanned out over two items).
        func finishRun(_ id: String, sha: String, tree: String, status: RunStatus = .succeeded, at start: Date)
            throws
        {
            let run = RunRecord(
                id: id, workflowID: "nightly", path: "workflows/nightly.yaml",
                blob: "0123456789abcdef0123456789abcdef01234567", commit: PinnedCommit(sha: sha, tree: tree),
                trigger: RunTrigger(type: "schedule", key: id), inputs: [:], definition: [], createdAt: start,
                controller: "host:42:abc123")
            try store.transactionNow { tx in
                _ = try tx.insertRun(run, steps: ["build", "fan"])
                try tx.setRunStatus(id, .running, at: start.addingTimeInterval(0.005))
                try tx.saveStep(
                    StepRecord(
                        runID: id, stepID: "build", status: .succeeded, attempts: 2,
                        startedAt: start.addingTimeInterval(0.01), finishedAt: start.addingTimeInterval(0.2),
                        durationMs: 190))
                for item in 0..<2 {
                    try tx.saveStep(
                        StepRecord(
                            runID: id, stepID: "fan", item: item, status: item == 0 ? .succeeded : .failed,
                            attempts: 1, finishedAt: start.addingTimeInterval(0.3),
                            error: item == 0 ? nil : "exit status 3"))
                }
                try tx.saveStep(
                    StepRecord(
                        runID: id, stepID: "fan", status: status == .succeeded ? .succeeded : .failed, attempts: 1,
                        startedAt: start.addingTimeInterval(0.2), finishedAt: start.addingTimeInterval(0.3),
                        durationMs: 100, error: status == .succeeded ? nil : "item 1 failed"))
                try tx.setRunStatus(
                    id, status, at: start.addingTimeInterval(0.31),
                    error: status == .succeeded ? nil : "step fan failed")
            }
        }

        func finishRun(_ id: String, on commit: Int, status: RunStatus = .succeeded, at start: Date) throws {
            try finishRun(
                id, sha: commits[commit].id.description, tree: commits[commit].tree.description, status: status,
                at: start)
        }

        /// The lines of a commit's note in `ref`, or its run records in every partition.
        func notes(_ commit: String, ref: String? = nil) async throws -> [String] {
            guard let ref else { return try await fixture.runRecords(on: commit) }
            return try await fixture.git("notes --ref=\(ref) show \(commit)").split(separator: "\n").map(String.init)
        }

        /// The commit's run records, parsed.
        func records(_ commit: Int) async throws -> [RunNote] {
            try await notes(commits[commit].id.description).compactMap { RunNote.parse($0, on: commits[commit].id) }
        }

        var outbox: [String] { (try? store.snapshot { tx in try tx.pendingOutbox(limit: 10_000).map(\.runID) }) ?? [] }

        /// The run partitions, by ref name.
        var partitions: [String] {
            get async {
                (try? await fixture.ledgerPartitions()) ?? []
            }
        }

        /// Notes commits in the (only) run partition.
        var notesCommits: Int {
            get async {
                guard let partition = await partitions.first else { return 0 }
                return Int((try? await fixture.git("rev-list --count \(partition)")) ?? "0") ?? 0
            }
        }
    }

    static let start = Date(timeIntervalSince1970: 1_767_225_600.25)  // 2026-01-01T00:00:00.250Z

    @Test("a drained run is a note stock git shows, on the commit it was pinned to")
    func stockGitReadsRecords() async throws {
        let setup = try await Setup()
        try setup.finishRun("run-a", on: 0, at: Self.start)
        try setup.finishRun("run-b", on: 0, status: .failed, at: Self.start)
        try setup.finishRun("run-c", on: 1, at: Self.start)

        #expect(try await setup.writer.drain() == 3)

        let first = try await setup.records(0)
        #expect(Set(first.map(\.run)) == ["run-a", "run-b"])
        let failed = try #require(first.first { $0.run == "run-b" })
        #expect(failed.status == "failed")
        #expect(failed.error == "step fan failed")
        #expect(failed.commit == setup.commits[0].id.description)
        // Not the file at its path in the commit, so the record names the blob.
        #expect(failed.blob == "0123456789abcdef0123456789abcdef01234567")
        #expect(failed.trigger == RunNote.Trigger(type: "schedule", key: "run-b"))
        #expect(failed.started_at == "2026-01-01T00:00:00.255Z")
        #expect(failed.finished_at == "2026-01-01T00:00:00.560Z")
        #expect(failed.duration_ms == 305)
        // Foreach items are folded into their step's own row.
        #expect(failed.steps.keys.sorted() == ["build", "fan"])
        #expect(failed.steps["build"] == RunNote.Step(status: "succeeded", attempts: 2, duration_ms: 190))
        #expect(
            failed.steps["fan"] == RunNote.Step(status: "failed", attempts: 1, duration_ms: 100, error: "item 1 failed")
        )
        #expect(try await setup.records(1).map(\.run) == ["run-c"])
        // The summary counts them, per commit.
        let summary = try await setup.notes(setup.commits[0].id.description, ref: "sire/summary")
        #expect(PartitionSummary.parse(summary).values.map(\.runs) == [["nightly": ["succeeded": 1, "failed": 1]]])

        let log = try await setup.fixture.git(["log", "--notes=sire/runs-*", "--format=%H%n%N"])
        #expect(log.contains("\"run\":\"run-c\""))
        #expect(setup.outbox.isEmpty)
        #expect(try await setup.writer.drain() == 0)
    }

    @Test("records are the same line every time they are made")
    func deterministic() async throws {
        let setup = try await Setup()
        try setup.finishRun("run-a", on: 0, at: Self.start)
        let (run, steps) = try setup.store.snapshot { tx in (try tx.run("run-a")!, try tx.steps(of: "run-a")) }
        let line = RunNote.make(run: run, steps: steps).line()
        #expect(RunNote.make(run: run, steps: steps.reversed()).line() == line)
        let parsed = try #require(RunNote.parse(line, on: setup.commits[0].id))
        #expect(parsed.line() == line)
        let made = RunNote.make(run: run, steps: steps)
        #expect(parsed.started_at == made.started_at && parsed.finished_at == made.finished_at)
        #expect(parsed.created_at == made.created_at && parsed.steps == made.steps && parsed.blob == made.blob)
        #expect(!line.contains("\n"))
    }

    @Test("a scheduled one-step run's record is at most 250 bytes, and says its version")
    func compact() async throws {
        let setup = try await Setup()
        let id = "20261122-001203-x1y2z3"
        let run = RunRecord(
            id: id, workflowID: "nightly", path: "workflows/nightly.yaml",
            blob: "0123456789abcdef0123456789abcdef01234567",
            commit: PinnedCommit(sha: setup.commits[0].id.description, tree: setup.commits[0].tree.description),
            trigger: RunTrigger(type: "schedule", key: "2026-11-22T00:12:03Z"), inputs: [:], definition: [],
            createdAt: Self.start, controller: "build-server-01:4242:k3f9qa")
        try setup.store.transactionNow { tx in
            _ = try tx.insertRun(run, steps: ["publish"])
            try tx.setRunStatus(id, .running, at: Self.start.addingTimeInterval(0.004))
            try tx.saveStep(
                StepRecord(
                    runID: id, stepID: "publish", status: .succeeded, attempts: 1,
                    startedAt: Self.start.addingTimeInterval(0.005), finishedAt: Self.start.addingTimeInterval(0.02),
                    durationMs: 15))
            try tx.setRunStatus(id, .succeeded, at: Self.start.addingTimeInterval(0.021))
        }
        let (stored, steps) = try setup.store.snapshot { tx in (try tx.run(id)!, try tx.steps(of: id)) }
        // The blob is the file at the path in the commit: the record leaves it out.
        let line = RunNote.make(run: stored, steps: steps).line(blobIsDerivable: true)
        #expect(line.utf8.count <= 250, "\(line.utf8.count) bytes: \(line)")
        #expect(line.contains(#""v":2"#))
        #expect(RunNote.parse(line, on: setup.commits[0].id)?.run == id)
    }

    @Test("many runs make one notes commit per batch", arguments: [(500, 1), (20, 3)])
    func batched(batch: Int, commits: Int) async throws {
        let setup = try await Setup()
        for index in 0..<50 { try setup.finishRun("run-\(index)", on: index % 2, at: Self.start) }

        #expect(try await setup.writer.drain(batch: batch) == 50)

        await #expect(setup.notesCommits == commits)
        #expect(try await setup.notes(setup.commits[0].id.description).count == 25)
        #expect(try await setup.notes(setup.commits[1].id.description).count == 25)
        #expect(setup.outbox.isEmpty)
    }

    @Test("a write that stops after the records but before the summary and the outbox leaves one line per run")
    func crashBetweenNotesAndOutbox() async throws {
        let setup = try await Setup()
        for index in 0..<4 { try setup.finishRun("run-\(index)", on: 0, at: Self.start) }
        // The summary ref is locked, as by a writer that died holding it: the records are
        // written, the summary and the outbox are not.
        let lock = setup.fixture.root + "/.git/refs/notes/sire/summary.lock"
        try FileManager.default.createDirectory(
            atPath: setup.fixture.root + "/.git/refs/notes/sire", withIntermediateDirectories: true)
        try Data().write(to: URL(fileURLWithPath: lock))
        await #expect(throws: ControllerError.self) { try await setup.writer.drain() }
        #expect(try await setup.records(0).count == 4)
        #expect(setup.outbox.count == 4)

        try FileManager.default.removeItem(atPath: lock)
        #expect(try await setup.writer.drain() == 4)

        let notes = try await setup.notes(setup.commits[0].id.description)
        #expect(notes.count == 4)
        #expect(await setup.partitions.count == 1)
        #expect(Set(try await setup.records(0).map(\.run)) == ["run-0", "run-1", "run-2", "run-3"])
        let summary = PartitionSummary.parse(
            try await setup.notes(setup.commits[0].id.description, ref: "sire/summary"))
        #expect(summary.values.map(\.n) == [4])
        #expect(setup.outbox.isEmpty)
    }

    @Test("a run pinned to a commit the repository lacks is recorded; a malformed one is set aside")
    func missingAndMalformedCommits() async throws {
        let setup = try await Setup()
        let absent = "1234567890123456789012345678901234567890"
        try setup.finishRun("run-gone", sha: absent, tree: absent, at: Self.start)
        try setup.finishRun("run-bad", sha: "not-a-sha", tree: "", at: Self.start)
        try setup.finishRun("run-ok", on: 0, at: Self.start)

        #expect(try await setup.writer.drain() == 2)

        let partition = try #require(await setup.partitions.first)
        #expect(try await setup.fixture.git("notes --ref=\(partition) list").contains(absent))
        let runs = try CommitRuns.read(
            #require(ObjectID(absent)), in: Repository(path: setup.fixture.root), limit: nil)
        #expect(runs.latest.map(\.run) == ["run-gone"])
        #expect(try await setup.records(0).map(\.run) == ["run-ok"])
        let failed = try setup.store.snapshot { tx in try tx.failedOutbox() }
        #expect(failed.map(\.runID) == ["run-bad"])
        #expect(failed.first?.error.contains("not-a-sha") == true)
        #expect(try await setup.writer.drain() == 0)
    }

    // The fallback identity is checked end to end (LedgerCommandTests), where HOME is hermetic;
    // here the test process's own global git config would leak in.
    @Test("notes commits are signed by the repository's git identity when it has one")
    func author() async throws {
        let setup = try await Setup()
        try await setup.fixture.git("config user.name Operator")
        try await setup.fixture.git("config user.email op@example.com")
        try setup.finishRun("run-a", on: 0, at: Self.start)
        _ = try await setup.writer.drain()
        let partition = try #require(await setup.partitions.first)
        #expect(
            try await setup.fixture.git(["log", "-1", "--format=%an <%ae>", partition]) == "Operator <op@example.com>")
    }

    @Test("a check record lands on its commit in refs/notes/sire/checks")
    func checkRecord() async throws {
        let setup = try await Setup()
        let commit = setup.commits[1]
        let note = CheckNote(
            commit: commit.id.description, tree: commit.tree.description,
            workflows: ["a": .init(path: "workflows/a.yaml", blob: "b", valid: true, diagnostics: [])],
            tool_version: "0.1.0", source: "check")
        try setup.writer.writeCheck(note)
        #expect(try await setup.notes(commit.id.description, ref: "sire/checks").compactMap(CheckNote.parse) == [note])
        #expect(throws: ControllerError.self) {
            try setup.writer.writeCheck(CheckNote(commit: "HEAD", tree: "", workflows: [:], tool_version: "0"))
        }
    }

    @Test("the service drains when poked and once more when it stops")
    func service() async throws {
        let setup = try await Setup()
        let service = LedgerService(writer: setup.writer, interval: .seconds(3600))
        let task = Task { try await service.run() }
        try setup.finishRun("run-a", on: 0, at: Self.start)
        service.poke()
        #expect(await eventually { setup.outbox.isEmpty })
        await #expect(setup.notesCommits == 1)

        try setup.finishRun("run-b", on: 0, at: Self.start)
        task.cancel()
        try await task.value
        #expect(setup.outbox.isEmpty)
        #expect(try await setup.notes(setup.commits[0].id.description).count == 2)
    }
}
