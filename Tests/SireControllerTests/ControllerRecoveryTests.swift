import Foundation
import SireCore
import SireGit
import SireStore
import SireTestSupport
import Testing

@testable import SireController

/// What a controller does after dying between two durable steps of its own.
@Suite struct ControllerRecoveryTests {
    @Test func pushTriggersOfAChangeAppliedJustBeforeACrashFireOnRestart() async throws {
        let repo = try await GitFixture()
        try repo.write(
            "workflows/on-data.yaml",
            "id: on-data\non:\n  push: { paths: [\"data/**\"] }\nsteps:\n  - id: a\n    tool: sire:local/log.write\n    params: { message: hi }\n"
        )
        try repo.write("data/x.txt", "1\n")
        _ = try await repo.commit("workflow")
        let state = repo.sandbox + "/state"
        let store = try Store(directory: state)
        let reconciler = Reconciler(gitDirectory: repo.root + "/.git", store: store)
        _ = try reconciler.reconcile(head: try #require(ObjectID(try await repo.git("rev-parse HEAD"))))
        try repo.write("data/x.txt", "2\n")
        let pushed = try await repo.commit("data")
        // The reconcile commits, then the process dies before the push trigger fires.
        let outcome = try reconciler.reconcile(head: try #require(ObjectID(pushed)))
        #expect(outcome.changedPaths == ["data/x.txt"])
        #expect(try store.snapshot { tx in try tx.runs(limit: 10) }.isEmpty)

        var options = ControllerOptions(location: repo.root, state: state)
        options.once = true
        try await Controller(options: options).run()
        let runs = try store.snapshot { tx in try tx.runs(limit: 10) }
        #expect(runs.map(\.trigger.type) == ["push"])
        #expect(runs.first?.trigger.key == pushed)
        #expect(runs.first?.status == .succeeded)
        // Fired once: another start does not fire it again.
        try await Controller(options: options).run()
        #expect(try store.snapshot { tx in try tx.runs(limit: 10) }.count == 1)
        #expect(try reconciler.pendingPush() == nil)
    }
}
