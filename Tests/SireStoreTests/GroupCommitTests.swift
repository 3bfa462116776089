import Foundation
import SireCore
import SireStore
import Testing

/// The writer: concurrent transactions are batched, every one durable, each isolated.
@Suite("Group commit") struct GroupCommitTests {
    @Test("the writer connection runs with synchronous = FULL, also after reopening")
    func synchronousFull() throws {
        let fixture = try StoreFixture()
        #expect(try fixture.store.synchronousMode() == 2)
        #expect(try fixture.reopen().synchronousMode() == 2)
    }

    @Test("many concurrent transactions all commit, and a reopened store sees every one")
    func concurrentTransactionsAreDurable() async throws {
        let fixture = try StoreFixture()
        try await fixture.insert(StoreFixture.run("run-1"))
        let store = fixture.store
        let count = 500
        let sequences = try await withThrowingTaskGroup(of: Int64.self) { group in
            for i in 0..<count {
                group.addTask {
                    try await store.transaction { tx in
                        try tx.appendEvent(EventRecord(runID: "run-1", kind: "log", data: .object(["i": .int(i)])))
                    }
                }
            }
            var all: [Int64] = []
            for try await seq in group { all.append(seq) }
            return all
        }
        #expect(Set(sequences).count == count)
        let events = try fixture.reopen().snapshot { tx in try tx.events(of: "run-1") }
        #expect(events.count == count)
        #expect(Set(events.compactMap { $0.data?.jsonString() }).count == count)
        #expect(events.map(\.seq) == events.map(\.seq).sorted())
    }

    @Test("a failing transaction among concurrent ones fails alone; the others commit")
    func failuresAreIsolated() async throws {
        let fixture = try StoreFixture()
        try await fixture.insert(StoreFixture.run("run-1"))
        let store = fixture.store
        struct Refused: Error {}
        let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
            for i in 0..<100 {
                group.addTask {
                    do {
                        try await store.transaction { tx in
                            try tx.appendEvent(EventRecord(runID: "run-1", kind: "k\(i)"))
                            if i % 10 == 3 { throw Refused() }
                        }
                        return (i, true)
                    } catch {
                        return (i, false)
                    }
                }
            }
            var all: [Int: Bool] = [:]
            for await (i, ok) in group { all[i] = ok }
            return all
        }
        #expect(outcomes.filter { !$0.value }.keys.sorted() == Array(stride(from: 3, to: 100, by: 10)))
        let kinds = Set(try fixture.reopen().snapshot { tx in try tx.events(of: "run-1") }.map(\.kind))
        #expect(kinds.count == 90)
        #expect(!kinds.contains("k3") && !kinds.contains("k93") && kinds.contains("k4"))
    }

    @Test("a queued write without waiting is committed before a later awaited one")
    func writeLaterIsOrdered() async throws {
        let fixture = try StoreFixture()
        try await fixture.insert(StoreFixture.run("run-1"))
        for i in 0..<20 {
            fixture.store.transactionLater { tx in try tx.appendEvent(EventRecord(runID: "run-1", kind: "later-\(i)")) }
        }
        _ = try await fixture.store.transaction { tx in try tx.appendEvent(EventRecord(runID: "run-1", kind: "awaited"))
        }
        let kinds = try fixture.store.snapshot { tx in try tx.events(of: "run-1") }.map(\.kind)
        #expect(kinds == (0..<20).map { "later-\($0)" } + ["awaited"])
    }
}

extension GroupCommitTests {
    struct Refused: Error, Equatable {
        var reason: String
    }

    @Test("a transaction's own error reaches its caller unchanged, whether or not it was batched")
    func ownErrorIsNotWrapped() async throws {
        let fixture = try StoreFixture()
        try await fixture.insert(StoreFixture.run("run-1"))
        let error = await #expect(throws: (any Error).self) {
            try await fixture.store.transaction { _ in throw Refused(reason: "lease held") }
        }
        #expect(error as? Refused == Refused(reason: "lease held"), "got \(String(describing: error))")

        // Nothing of the refused transaction was kept, and the store still works.
        _ = try await fixture.store.transaction { tx in try tx.appendEvent(EventRecord(runID: "run-1", kind: "after")) }
        #expect(try fixture.store.snapshot { tx in try tx.events(of: "run-1") }.map(\.kind) == ["after"])
    }
}
