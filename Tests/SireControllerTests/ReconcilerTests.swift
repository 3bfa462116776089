import Foundation
import SireGit
import SireStore
import SireTestSupport
import Testing

@testable import SireController

/// The reconciler against real repositories and a real index: applied vs attempted, retire,
/// refusals, force-pushes, and the check records it leaves in git notes.
@Suite struct ReconcilerTests {
    let repo: GitFixture
    let store: Store
    let reconciler: Reconciler

    init() async throws {
        repo = try await GitFixture()
        store = try Store(directory: repo.sandbox + "/state")
        reconciler = Reconciler(gitDirectory: repo.root + "/.git", store: store)
    }

    static func workflow(_ id: String, schedule: String? = nil, message: String = "hi") -> String {
        var text = "id: \(id)\n"
        if let schedule { text += "on:\n  schedule:\n    - cron: \"\(schedule)\"\n" }
        text += "steps:\n  - id: say\n    tool: sire:local/log.write\n    params: { message: \(message) }\n"
        return text
    }

    func reconcile() async throws -> ReconcileOutcome {
        let head = try #require(ObjectID(try await repo.git("rev-parse HEAD")))
        return try reconciler.reconcile(head: head)
    }

    func deployment(_ id: String) throws -> Deployment? {
        try store.snapshot { tx in try tx.deployment(id) }
    }

    func checkNote(_ sha: String) async throws -> CheckNote? {
        try await repo.git(["notes", "--ref=sire/checks", "show", sha]).split(separator: "\n")
            .compactMap { CheckNote.parse(String($0)) }.first
    }

    @Test func firstCommitAppliesEveryValidWorkflowAndRecordsACheck() async throws {
        try repo.write("workflows/a.yaml", Self.workflow("a"))
        try repo.write("workflows/b.yaml", Self.workflow("b"))
        let sha = try await repo.commit("two workflows")
        let outcome = try await reconcile()
        #expect(outcome.applied.map(\.id).sorted() == ["a", "b"])
        #expect(outcome.base == nil)
        #expect(try deployment("a")?.appliedCommit == sha)
        let note = try await #require(try checkNote(sha))
        #expect(note.workflows.keys.sorted() == ["a", "b"])
        #expect(note.workflows["a"]?.valid == true)
        #expect(note.refused == nil)
        // Reconciling the same commit again does nothing.
        #expect(try await reconcile().alreadyReconciled)
    }

    @Test func invalidVersionIsAttemptedOnlyAndTheLastGoodOneStays() async throws {
        try repo.write("workflows/a.yaml", Self.workflow("a"))
        let good = try await repo.commit("good")
        _ = try await reconcile()
        try repo.write("workflows/a.yaml", "id: a\nsteps:\n  - id: x\n    tool: sire:local/nope.nothing\n")
        let bad = try await repo.commit("bad")
        let outcome = try await reconcile()
        #expect(outcome.applied.isEmpty)
        #expect(outcome.invalid["a"]?.isEmpty == false)
        let deployment = try #require(try deployment("a"))
        #expect(deployment.valid == false)
        #expect(deployment.attemptedCommit == bad)
        #expect(deployment.appliedCommit == good)
        let note = try await #require(try checkNote(bad))
        let state = try #require(note.workflows["a"])
        #expect(state.valid == false)
        #expect(state.applied_commit == good)
        #expect(state.diagnostics.first?.line == 4)
        // An unrelated later commit still lists the invalid workflow with its last good version.
        try repo.write("README.md", "docs\n")
        let later = try await repo.commit("docs")
        _ = try await reconcile()
        #expect(try await checkNote(later)?.workflows["a"]?.applied_commit == good)
    }

    @Test func removedWorkflowIsRetiredAndEmptyingTheSetIsRefused() async throws {
        try repo.write("workflows/a.yaml", Self.workflow("a"))
        try repo.write("workflows/b.yaml", Self.workflow("b"))
        _ = try await repo.commit("two")
        _ = try await reconcile()
        try repo.remove("workflows/b.yaml")
        let one = try await repo.commit("drop b")
        let outcome = try await reconcile()
        #expect(outcome.retired == ["b"])
        #expect(try deployment("b")?.retiredAt != nil)
        #expect(try await checkNote(one)?.retired == ["b"])

        try repo.remove("workflows/a.yaml")
        let none = try await repo.commit("drop everything")
        let refused = try await reconcile()
        #expect(refused.refused?.contains("allow_empty") == true)
        #expect(try deployment("a")?.isLive == true)
        #expect(try await checkNote(none)?.refused != nil)

        // With allow_empty the same change is deployed.
        try repo.write("sire.yaml", "allow_empty: true\n")
        _ = try await repo.commit("allow empty")
        let allowed = try await reconcile()
        #expect(allowed.refused == nil)
        #expect(allowed.retired == ["a"])
    }

    @Test func renamedFileKeepsTheWorkflowIdentity() async throws {
        try repo.write("workflows/a.yaml", Self.workflow("a"))
        _ = try await repo.commit("a")
        _ = try await reconcile()
        try await repo.git(["mv", "workflows/a.yaml", "workflows/renamed.yaml"])
        try repo.write("workflows/renamed.yaml", Self.workflow("a", message: "moved"))
        _ = try await repo.commit("rename")
        let outcome = try await reconcile()
        #expect(outcome.retired.isEmpty)
        #expect(outcome.applied.map(\.path) == ["workflows/renamed.yaml"])
        #expect(try deployment("a")?.isLive == true)
    }

    @Test func duplicateIdInANewFileLeavesTheIncumbentDeployed() async throws {
        try repo.write("workflows/a.yaml", Self.workflow("a"))
        _ = try await repo.commit("a")
        _ = try await reconcile()
        try repo.write("workflows/copy.yaml", Self.workflow("a", message: "copy"))
        let sha = try await repo.commit("copy")
        let outcome = try await reconcile()
        #expect(outcome.applied.isEmpty)
        #expect(try deployment("a")?.path == "workflows/a.yaml")
        let note = try await #require(try checkNote(sha))
        #expect(
            note.workflows.values.contains { state in
                state.path == "workflows/copy.yaml" && state.diagnostics.contains { $0.rule == "duplicate-workflow-id" }
            })
    }

    @Test func forcePushedRewindReconcilesToTheNewHeadWithoutLosingHistory() async throws {
        try repo.write("workflows/a.yaml", Self.workflow("a"))
        let first = try await repo.commit("a")
        _ = try await reconcile()
        try repo.write("workflows/b.yaml", Self.workflow("b"))
        let second = try await repo.commit("b")
        _ = try await reconcile()
        try await repo.git(["reset", "--hard", "--quiet", first])
        try repo.write("workflows/c.yaml", Self.workflow("c"))
        _ = try await repo.commit("c instead of b")
        let outcome = try await reconcile()
        #expect(outcome.retired == ["b"])
        #expect(outcome.applied.map(\.id) == ["c"])
        // The rewound commit's record is still in the ledger.
        #expect(try await checkNote(second)?.workflows["b"]?.valid == true)
    }

    @Test func invalidConfigRefusesTheCommit() async throws {
        try repo.write("workflows/a.yaml", Self.workflow("a"))
        _ = try await repo.commit("a")
        _ = try await reconcile()
        try repo.write("sire.yaml", "workflows: 12\nbogus: [\n")
        try repo.write("workflows/a.yaml", Self.workflow("a", message: "changed"))
        _ = try await repo.commit("broken config")
        let outcome = try await reconcile()
        #expect(outcome.refused?.contains("sire.yaml") == true)
        #expect(outcome.applied.isEmpty)
    }

    @Test func liveWorkflowsReloadTheAppliedVersions() async throws {
        try repo.write("workflows/a.yaml", Self.workflow("a", schedule: "*/5 * * * * *"))
        _ = try await repo.commit("a")
        _ = try await reconcile()
        try repo.write("workflows/a.yaml", "id: a\nsteps: [[[\n")
        _ = try await repo.commit("broken")
        _ = try await reconcile()
        let live = try reconciler.liveWorkflows()
        #expect(live.map(\.id) == ["a"])
        #expect(live.first?.workflow.triggers.schedules.count == 1)
    }

    @Test func aCommitWhoseTreeNoCheckoutMayWriteIsRefused() async throws {
        try repo.write("workflows/a.yaml", Self.workflow("a"))
        try await repo.commit("a")
        #expect(try await reconcile().refused == nil)
        // A data push adding `data/x/..` (a crafted tree): refused whole, the last good kept.
        let blob = try await repo.git(["hash-object", "-w", "--stdin"], input: "payload\n")
        let leaf = try await repo.git(["mktree"], input: "100644 blob \(blob)\tconfig\n")
        let up = try await repo.git(["mktree"], input: "040000 tree \(leaf)\t..\n")
        let data = try await repo.git(["mktree"], input: "040000 tree \(up)\tx\n")
        let base = try await repo.git(["ls-tree", "HEAD"])
        let tree = try await repo.git(["mktree"], input: base + "\n040000 tree \(data)\tdata\n")
        let crafted = try await repo.git(["commit-tree", tree, "-p", "HEAD", "-m", "crafted"])
        try await repo.git(["update-ref", "refs/heads/main", crafted])
        let outcome = try await reconcile()
        #expect(
            outcome.refused?.contains("'data/x/..' is a '..' entry") == true, "\(String(describing: outcome.refused))")
        #expect(try await checkNote(crafted)?.refused?.contains("'data/x/..'") == true)
        #expect(try deployment("a") != nil)
    }
}
