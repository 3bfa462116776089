import Foundation
import Logging
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

    @Test func aCommitThatCannotBeReadIsNotRetriedUntilTheBranchMoves() async throws {
        let repo = try await GitFixture()
        let good = "id: hello\nsteps:\n  - id: a\n    tool: sire:local/log.write\n    params: { message: hi }\n"
        try repo.write("workflows/hello.yaml", good)
        let first = try await repo.commit("workflow")
        // A commit whose workflow file's blob is not in the repository (a broken push).
        let missing = String(repeating: "ab", count: 20)
        let workflows = try await repo.git(
            ["mktree", "--missing"], input: "100644 blob \(missing)\tbroken.yaml\n")
        let root = try await repo.git(["mktree", "--missing"], input: "040000 tree \(workflows)\tworkflows\n")
        let broken = try await repo.git(["commit-tree", root, "-p", "HEAD", "-m", "broken"])
        try await repo.git(["update-ref", "refs/heads/main", broken])

        let logs = LogCapture()
        let options = ControllerOptions(location: repo.root, state: repo.sandbox + "/state")
        let controller = try Controller(options: options, logger: Logger(label: "test") { _ in logs.handler })
        let task = Task { try await controller.run() }
        defer { task.cancel() }
        func failures() -> Int { logs.all.filter { $0.contains("cannot reconcile \(broken.prefix(7))") }.count }
        #expect(await eventually(within: .seconds(10)) { failures() == 1 }, "\(logs.all)")
        // A controller polls the ref every 50 ms: a retried reconcile would have logged again.
        try await Task.sleep(for: .seconds(2))
        #expect(failures() == 1, "\(logs.all)")

        // A new commit on the branch (on top of the good one) is reconciled.
        try await repo.git(["reset", "-q", "--hard", first])
        try repo.write("workflows/hello.yaml", good.replacingOccurrences(of: "hi", with: "again"))
        let fixed = try await repo.commit("fixed")
        #expect(
            await eventually(within: .seconds(10)) {
                (try? controller.reconciler.reconciledCommit())?.description == fixed
            })
        task.cancel()
        _ = try? await task.value
    }
}
