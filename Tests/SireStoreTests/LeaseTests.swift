import Foundation
import SireCore
import SireStore
import Testing

/// Run leases: only one engine executes a run, and a dead engine's runs can be taken over.
@Suite("Leases") struct LeaseTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func claim(_ fixture: StoreFixture, _ owner: String, until: Date, at: Date, stale: Set<String> = []) async throws
        -> Bool
    {
        try await fixture.store.transaction { tx in
            try tx.claimRun("run-1", owner: owner, until: until, now: at, stale: stale)
        }
    }

    @Test("a live lease refuses other owners and lets its holder renew")
    func liveOwnerKeepsRun() async throws {
        let fixture = try StoreFixture()
        try await fixture.insert(StoreFixture.run("run-1"))
        #expect(try await claim(fixture, "host:1:a", until: now + 15, at: now))
        #expect(try await claim(fixture, "host:2:b", until: now + 15, at: now + 5) == false)
        #expect(try await claim(fixture, "host:1:a", until: now + 30, at: now + 10))
        // Renewed to now + 30: still refused after the first expiry would have passed.
        #expect(try await claim(fixture, "host:2:b", until: now + 40, at: now + 20) == false)
        #expect(try fixture.store.snapshot { tx in try tx.leaseOwners() } == ["host:1:a"])
    }

    @Test("an expired lease is taken over")
    func expiredLease() async throws {
        let fixture = try StoreFixture()
        try await fixture.insert(StoreFixture.run("run-1"))
        #expect(try await claim(fixture, "host:1:a", until: now + 15, at: now))
        #expect(try await claim(fixture, "host:2:b", until: now + 31, at: now + 16))
        #expect(try await claim(fixture, "host:1:a", until: now + 40, at: now + 20) == false)
        #expect(try fixture.store.snapshot { tx in try tx.leaseOwners() } == ["host:2:b"])
    }

    @Test("a lease held by an owner known to be dead is taken over at once")
    func staleOwner() async throws {
        let fixture = try StoreFixture()
        try await fixture.insert(StoreFixture.run("run-1"))
        #expect(try await claim(fixture, "host:1:a", until: now + 3600, at: now))
        #expect(try await claim(fixture, "host:2:b", until: now + 15, at: now + 1, stale: ["host:9:z"]) == false)
        #expect(try await claim(fixture, "host:2:b", until: now + 15, at: now + 1, stale: ["host:1:a"]))
    }

    @Test("renewal extends the holder's unfinished leases only; finished runs cannot be claimed")
    func renewalAndFinishedRuns() async throws {
        let fixture = try StoreFixture()
        try await fixture.insert(StoreFixture.run("run-1"))
        try await fixture.insert(StoreFixture.run("run-2"))
        #expect(try await claim(fixture, "host:1:a", until: now + 15, at: now))
        try await fixture.store.transaction { tx in try tx.renewLeases(owner: "host:1:a", until: now + 100) }
        #expect(try await claim(fixture, "host:2:b", until: now + 200, at: now + 50) == false)

        try await fixture.store.transaction { tx in try tx.setRunStatus("run-2", .succeeded) }
        let claimedFinished = try await fixture.store.transaction { tx in
            try tx.claimRun("run-2", owner: "host:2:b", until: Date() + 15)
        }
        #expect(claimedFinished == false)
        let claimedMissing = try await fixture.store.transaction { tx in
            try tx.claimRun("nope", owner: "host:2:b", until: Date() + 15)
        }
        #expect(claimedMissing == false)
    }
}
