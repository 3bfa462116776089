import Foundation
import SireCore
import SireStore
import Testing

/// Runs in the index: one per trigger, the outbox, listing with cursors, cancellation requests.
@Suite("Run index") struct RunIndexTests {
    @Test("a second run with the same workflow and trigger is not created; the first is returned")
    func insertIsIdempotentPerTrigger() async throws {
        let fixture = try StoreFixture()
        let tick = RunTrigger(type: "schedule", key: "2026-03-29T02:00:00Z")
        let first = try await fixture.insert(StoreFixture.run("run-1", trigger: tick))
        let again = try await fixture.insert(StoreFixture.run("run-2", trigger: tick))
        let otherTick = try await fixture.insert(
            StoreFixture.run("run-3", trigger: RunTrigger(type: "schedule", key: "2026-03-30T02:00:00Z")))
        let otherWorkflow = try await fixture.insert(StoreFixture.run("run-4", workflow: "weekly", trigger: tick))
        let otherType = try await fixture.insert(
            StoreFixture.run("run-5", trigger: RunTrigger(type: "push", key: tick.key)))

        #expect(first.created && first.run.id == "run-1")
        #expect(!again.created)
        #expect(again.run.id == "run-1")
        #expect(otherTick.created && otherWorkflow.created && otherType.created)
        let all = try fixture.store.snapshot { tx in try tx.runs(limit: 100) }
        #expect(Set(all.map(\.id)) == ["run-1", "run-3", "run-4", "run-5"])
        #expect(try fixture.store.snapshot { tx in try tx.steps(of: "run-2") }.isEmpty)
    }

    @Test("a run reads back as it was written, with a pending row per step")
    func runRoundTrip() async throws {
        let fixture = try StoreFixture()
        let run = StoreFixture.run("run-1")
        try await fixture.insert(run, steps: ["fetch", "shape"])
        let read = try #require(try fixture.store.snapshot { tx in try tx.run("run-1") })
        #expect(read.workflowID == run.workflowID)
        #expect(read.inputs == ["limit": .int(3)])
        #expect(read.definition == run.definition)
        #expect(read.commit == run.commit)
        #expect(read.status == .queued)
        let steps = try fixture.store.snapshot { tx in try tx.steps(of: "run-1") }
        #expect(steps.map(\.stepID) == ["fetch", "shape"])
        #expect(steps.allSatisfy { $0.status == .pending && $0.item == -1 })
    }

    @Test("a finished run enters the outbox exactly once, however often it is finished")
    func outboxExactlyOnce() async throws {
        let fixture = try StoreFixture()
        try await fixture.insert(StoreFixture.run("run-1"))
        try await fixture.insert(StoreFixture.run("run-2"))
        let finished = Date(timeIntervalSince1970: 1_800_000_000)
        try await fixture.store.transaction { tx in
            try tx.setRunStatus("run-1", .running)
            try tx.setRunStatus("run-2", .running)
        }
        #expect(try fixture.outbox().isEmpty)

        try await fixture.store.transaction { tx in try tx.setRunStatus("run-1", .succeeded, at: finished) }
        // A second finish (a resumed engine racing the first) changes nothing.
        try await fixture.store.transaction { tx in
            try tx.setRunStatus("run-1", .failed, at: finished.addingTimeInterval(5), error: "late")
        }
        #expect(try fixture.outbox() == ["run-1"])
        let run = try #require(try fixture.store.snapshot { tx in try tx.run("run-1") })
        #expect(run.status == .succeeded)
        #expect(run.finishedAt == finished)
        #expect(run.error == nil)

        // Once the ledger has it, finishing again does not queue it again.
        try await fixture.store.transaction { tx in try tx.clearOutbox(["run-1"]) }
        try await fixture.store.transaction { tx in try tx.setRunStatus("run-1", .cancelled) }
        #expect(try fixture.outbox().isEmpty)

        try await fixture.store.transaction { tx in try tx.setRunStatus("run-2", .failed, error: "boom") }
        #expect(try fixture.outbox(in: fixture.reopen()) == ["run-2"])
    }

    @Test("listing pages through every run newest first, without gaps or repeats")
    func cursorPagination() async throws {
        let fixture = try StoreFixture()
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        // Two runs share a creation time: the id breaks the tie.
        let times = [0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9]
        for (i, offset) in times.enumerated() {
            try await fixture.insert(
                StoreFixture.run(String(format: "run-%02d", i), createdAt: base.addingTimeInterval(Double(offset))))
        }
        var pages: [[String]] = []
        var cursor: String?
        repeat {
            let page = try fixture.store.snapshot { tx in try tx.runs(limit: 3, before: cursor) }.map(\.id)
            if !page.isEmpty { pages.append(page) }
            cursor = page.count == 3 ? page.last : nil
        } while cursor != nil && pages.count < 20
        let expected = (0..<times.count).reversed().map { String(format: "run-%02d", $0) }
        #expect(pages.flatMap { $0 } == expected)
        #expect(pages.map(\.count) == [3, 3, 3, 2])
    }

    @Test("listing filters by workflow, status and commit prefix")
    func listingFilters() async throws {
        let fixture = try StoreFixture()
        try await fixture.insert(StoreFixture.run("a1", workflow: "alpha", commit: "aaaa1111"))
        try await fixture.insert(StoreFixture.run("a2", workflow: "alpha", commit: "bbbb2222"))
        try await fixture.insert(StoreFixture.run("b1", workflow: "beta", commit: "aaaa1111"))
        try await fixture.store.transaction { tx in try tx.setRunStatus("a2", .failed, error: "x") }
        let byWorkflow = try fixture.store.snapshot { tx in try tx.runs(workflow: "alpha") }
        #expect(Set(byWorkflow.map(\.id)) == ["a1", "a2"])
        #expect(try fixture.store.snapshot { tx in try tx.runs(status: .failed) }.map(\.id) == ["a2"])
        #expect(Set(try fixture.store.snapshot { tx in try tx.runs(commit: "aaaa") }.map(\.id)) == ["a1", "b1"])
        #expect(try fixture.store.snapshot { tx in try tx.runs(workflow: "beta", commit: "bbbb") }.isEmpty)
        #expect(try fixture.store.snapshot { tx in try tx.unfinishedRuns() }.map(\.id).sorted() == ["a1", "b1"])
    }

    @Test("a cancel request reaches unfinished runs only")
    func cancelRequests() async throws {
        let fixture = try StoreFixture()
        try await fixture.insert(StoreFixture.run("live"))
        try await fixture.insert(StoreFixture.run("done"))
        try await fixture.store.transaction { tx in try tx.setRunStatus("done", .succeeded) }
        #expect(try await fixture.store.transaction { tx in try tx.requestCancel("live") })
        #expect(try await fixture.store.transaction { tx in try tx.requestCancel("done") } == false)
        #expect(try await fixture.store.transaction { tx in try tx.requestCancel("missing") } == false)
        let requested = try fixture.store.snapshot { tx in try tx.cancelRequests(among: ["live", "done", "missing"]) }
        #expect(requested == ["live"])
    }
}
