import Foundation
import SireCore
import SireStore
import Testing

/// Readers that follow the index wake on this process's commits instead of polling.
@Suite("Waiting for commits") struct CommitSignalTests {
    @Test("a waiter wakes when a write commits, long before its timeout, and then sees the write")
    func wakesOnCommit() async throws {
        let fixture = try StoreFixture()
        try await fixture.insert(StoreFixture.run("run-1"))
        let store = fixture.store
        let generation = store.commitGeneration
        let started = ContinuousClock.now
        async let woke: Void = store.waitForCommit(after: generation, timeout: .seconds(60))
        try await Task.sleep(for: .milliseconds(50))
        _ = try await store.transaction { tx in try tx.appendEvent(EventRecord(runID: "run-1", kind: "log")) }
        await woke
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(store.commitGeneration > generation)
        #expect(try store.snapshot { tx in try tx.events(of: "run-1") }.count == 1)
    }

    @Test("a commit already past the generation returns at once; without commits the timeout ends the wait")
    func pastGenerationAndTimeout() async throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let before = store.commitGeneration
        try await fixture.insert(StoreFixture.run("run-1"))
        let clock = ContinuousClock()
        let immediate = await clock.measure { await store.waitForCommit(after: before, timeout: .seconds(60)) }
        #expect(immediate < .seconds(30))
        let quiet = await clock.measure {
            await store.waitForCommit(after: store.commitGeneration, timeout: .milliseconds(200))
        }
        #expect(quiet >= .milliseconds(200))
    }

    @Test("cancelling a waiting task ends its wait")
    func cancellation() async throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let waiter = Task { await store.waitForCommit(after: store.commitGeneration, timeout: .seconds(60)) }
        try await Task.sleep(for: .milliseconds(50))
        let started = ContinuousClock.now
        waiter.cancel()
        await waiter.value
        #expect(ContinuousClock.now - started < .seconds(30))
    }
}
