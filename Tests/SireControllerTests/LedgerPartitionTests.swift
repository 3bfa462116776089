import Foundation
import SireCore
import SireGit
import SireStore
import SireTestSupport
import Testing

@testable import SireController

@Suite("Ledger partitions, summaries and migration")
struct LedgerPartitionTests {
    static let author = (name: "t", email: "t@example.com")
    static let start = Date(timeIntervalSince1970: 1_796_083_200)  // 2026-12-01T00:00:00Z

    /// A version 2 record of a run `id` on `commit`, finished `offset` seconds after ``start``.
    static func record(_ id: String, status: String = "succeeded", offset: Double = 0) -> RunNote {
        var note = RunNote(
            run: id, workflow: "hello", path: "workflows/hello.yaml", blob: "", commit: "", tree: "",
            trigger: .init(type: "http", key: id), status: status,
            started_at: RunNote.timestamp(start.addingTimeInterval(offset)),
            finished_at: RunNote.timestamp(start.addingTimeInterval(offset + 0.01)), duration_ms: 10,
            steps: ["greet": .init(status: status, attempts: 1, duration_ms: 9)], controller: "")
        note.created_at = note.started_at
        return note
    }

    /// A version 1 line, as sire-git wrote them to `refs/notes/sire/runs`.
    static func legacyLine(_ id: String, on commit: ObjectID, status: String = "succeeded", offset: Double = 0)
        -> String
    {
        var note = record(id, status: status, offset: offset)
        note.commit = commit.description
        note.controller = "host:1:abc"
        note.v = 1
        return LedgerJSON.line(note)
    }

    /// A repository with one commit holding `workflows/hello.yaml`.
    static func repository() async throws -> GitFixture {
        let fixture = try await GitFixture()
        try fixture.write(
            "workflows/hello.yaml",
            "id: hello\nsteps:\n  - id: greet\n    tool: sire:local/log.write\n    params: { message: hi }\n")
        try await fixture.commit("one")
        return fixture
    }

    @Test("a writer's cursor opens the next partition when one is full or a month ends; names are checked")
    func cursor() {
        var cursor = LedgerPartition(writer: "k3f9qa", opening: Self.start)
        #expect(cursor.take(at: Self.start) == "2026-12/k3f9qa.0001")
        for _ in 1..<LedgerPartition.capacity { _ = cursor.take(at: Self.start) }
        #expect(cursor.take(at: Self.start) == "2026-12/k3f9qa.0002")
        #expect(LedgerPartition(state: cursor.state) == cursor)
        #expect(cursor.take(at: Self.start.addingTimeInterval(31 * 86_400)) == "2027-01/k3f9qa.0003")
        #expect(LedgerPartition.isValidName("2026-12/migrated.0004"))
        for bad in ["../../heads/main", "2026-12/K3F9QA.0001", "2026-12/k3f9qa.1", "2026-1x/a.0001", "2026-12/.0001"] {
            #expect(!LedgerPartition.isValidName(bad), "\(bad)")
        }
    }

    @Test("2,050 runs on one commit fill two partitions; the summary counts them and status reads only the newest")
    func rollover() async throws {
        let fixture = try await Self.repository()
        let head = try #require(ObjectID(try await fixture.git("rev-parse HEAD")))
        let store = try Store(directory: fixture.sandbox + "/state")
        let count = LedgerPartition.capacity + 50
        try store.transactionNow { tx in
            for index in 0..<count {
                let created = Self.start.addingTimeInterval(Double(index))
                let id = String(format: "20261201-%06d-aaaaaa", index)
                let run = RunRecord(
                    id: id, workflowID: "hello", path: "workflows/hello.yaml", blob: "",
                    commit: PinnedCommit(sha: head.description, tree: ""), trigger: RunTrigger(type: "http", key: id),
                    inputs: [:], definition: [], createdAt: created, controller: "t")
                _ = try tx.insertRun(run, steps: [])
                try tx.setRunStatus(id, index % 10 == 0 ? .failed : .succeeded, at: created.addingTimeInterval(0.5))
            }
        }
        let writer = LedgerWriter(gitDirectory: fixture.root + "/.git", store: store)
        #expect(try writer.drainNow(batch: 700) == count)

        let partitions = try await fixture.ledgerPartitions()
        #expect(partitions.count == 2, "\(partitions)")
        var lines = 0
        for partition in partitions {
            lines += try await fixture.git(["notes", "--ref=\(partition)", "show", head.description])
                .split(separator: "\n").count
        }
        #expect(lines == count)
        let runs = try CommitRuns.read(head, in: Repository(path: fixture.root), limit: 20)
        #expect(runs.total == count)
        #expect(runs.counts == ["hello": ["succeeded": count - count / 10, "failed": count / 10]])
        #expect(runs.latest.map(\.run) == (0..<20).map { String(format: "20261201-%06d-aaaaaa", count - 1 - $0) })
        #expect(try await fixture.git(["fsck", "--strict", "--no-progress", "--no-dangling"]).isEmpty)
    }

    @Test("a version 1 ledger is read, migrated once into partitions, and counted once; later version 1 records too")
    func migration() async throws {
        let fixture = try await Self.repository()
        let head = try #require(ObjectID(try await fixture.git("rev-parse HEAD")))
        let repository = try Repository(path: fixture.root)
        let old = (0..<30).map { Self.legacyLine(String(format: "20261130-0000%02d-bbbbb\($0 % 8)", $0), on: head) }
        try repository.appendNotes([head: old], ref: LedgerRef.runs, author: Self.author, message: "v1")
        #expect(try CommitRuns.read(head, in: repository, limit: 5).total == 30)

        let result = try LedgerMigration.run(gitDirectory: fixture.root + "/.git")
        #expect(result == .init(copied: 30, commits: 1, skipped: 0))
        let partitions = try await fixture.ledgerPartitions()
        #expect(!partitions.isEmpty && partitions.allSatisfy { $0.contains("/migrated.") }, "\(partitions)")
        #expect(
            try await fixture.git("rev-parse refs/notes/sire/migrated-runs")
                == (try await fixture.git("rev-parse refs/notes/sire/runs")))
        let migrated = try CommitRuns.read(head, in: repository, limit: 40)
        #expect(migrated.total == 30)
        #expect(Set(migrated.latest.map(\.run)).count == 30)
        #expect(try LedgerMigration.run(gitDirectory: fixture.root + "/.git").copied == 0)

        // An older sire-git writes one more version 1 record: read at once, copied by the next migration.
        let late = Self.legacyLine("20261130-000100-cccccc", on: head, offset: 100)
        try repository.appendNotes([head: [late]], ref: LedgerRef.runs, author: Self.author, message: "v1 late")
        #expect(try CommitRuns.read(head, in: repository, limit: 1).total == 31)
        #expect(try CommitRuns.read(head, in: repository, limit: 1).latest.map(\.run) == ["20261130-000100-cccccc"])
        #expect(try LedgerMigration.run(gitDirectory: fixture.root + "/.git").copied == 1)
        #expect(try CommitRuns.read(head, in: repository, limit: 0).total == 31)
        #expect(try await fixture.git(["fsck", "--strict", "--no-progress", "--no-dangling"]).isEmpty)
    }

    @Test("a partition both sides wrote is merged by notes fetch and its summary recomputed from the union")
    func divergedPartitionMerge() async throws {
        let work = try await Self.repository()
        let head = try #require(ObjectID(try await work.git("rev-parse HEAD")))
        let origin = work.sandbox + "/origin.git", a = work.sandbox + "/a", b = work.sandbox + "/b"
        try await work.git(["clone", "--quiet", "--bare", work.root, origin], in: work.sandbox)
        try await work.git(["clone", "--quiet", origin, a], in: work.sandbox)
        try await work.git(["clone", "--quiet", origin, b], in: work.sandbox)
        let part = "2026-12/shared.0001"
        func write(_ ids: [String], in directory: String) throws {
            let lines = ids.map { Self.record($0).line(blobIsDerivable: true) }
            try LedgerRecorder.record(
                [part: [head: lines]], in: Repository(path: directory), author: Self.author, message: "write")
        }
        try write(["20261201-000001-aaaaaa", "20261201-000002-aaaaaa"], in: a)
        _ = try LedgerSync(gitDirectory: a + "/.git").push(remote: "origin")
        // b shares the writer id (as two machines on one shared index would) and the partition.
        try write(["20261201-000002-aaaaaa", "20261201-000003-aaaaaa", "20261201-000004-aaaaaa"], in: b)
        #expect(try CommitRuns.read(head, in: Repository(path: b), limit: 0).total == 3)

        _ = try LedgerSync(gitDirectory: b + "/.git").sync(remote: "origin")
        let merged = try CommitRuns.read(head, in: Repository(path: b), limit: nil)
        #expect(merged.total == 4)
        #expect(merged.latest.count == 4)
        _ = try LedgerSync(gitDirectory: a + "/.git").fetch(remote: "origin")
        #expect(try CommitRuns.read(head, in: Repository(path: a), limit: 0).total == 4)
        #expect(try await work.git(["fsck", "--strict", "--no-progress", "--no-dangling"], in: b).isEmpty)
    }

    @Test("threads writing two partitions of one commit at once lose no record and no summary line")
    func concurrentPartitions() async throws {
        let fixture = try await Self.repository()
        let head = try #require(ObjectID(try await fixture.git("rev-parse HEAD")))
        let root = fixture.root
        await withTaskGroup(of: Void.self) { group in
            for writer in ["aaaaaa", "bbbbbb"] {
                group.addTask {
                    let repository = try! Repository(path: root)
                    for index in 0..<25 {
                        let line = Self.record(String(format: "20261201-0000%02d-\(writer)", index)).line()
                        try! LedgerRecorder.record(
                            ["2026-12/\(writer).0001": [head: [line]]], in: repository, author: Self.author,
                            message: "write")
                    }
                }
            }
        }
        let runs = try CommitRuns.read(head, in: Repository(path: root), limit: nil)
        #expect(runs.total == 50)
        #expect(runs.latest.count == 50)
        #expect(try await fixture.git(["fsck", "--strict", "--no-progress", "--no-dangling"]).isEmpty)
    }

    @Test("a forged summary line naming a ref outside the ledger is ignored")
    func forgedSummary() async throws {
        let fixture = try await Self.repository()
        let head = try #require(ObjectID(try await fixture.git("rev-parse HEAD")))
        let forged =
            #"{"last":"2099-01-01T00:00:00.000Z","n":5,"part":"../../heads/main","runs":{"x":{"failed":5}},"v":2}"#
        try Repository(path: fixture.root).appendNotes(
            [head: [forged]], ref: LedgerRef.summary, author: Self.author, message: "forged")
        let runs = try CommitRuns.read(head, in: Repository(path: fixture.root), limit: 20)
        #expect(runs.total == 0 && runs.latest.isEmpty)
    }
}
