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

    init() throws {
        repo = try GitFixture()
        store = try Store(directory: repo.sandbox + "/state")
        reconciler = Reconciler(gitDirectory: repo.root + "/.git", store: store)
    }

    static func workflow(_ id: String, schedule: String? = nil, message: String = "hi") -> String {
        var text = "id: \(id)\n"
        if let schedule { text += "on:\n  schedule:\n    - cron: \"\(schedule)\"\n" }
        text += "steps:\n  - id: say\n    tool: sire:local/log.write\n    params: { message: \(message) }\n"
        return text
    }

    func reconcile() throws -> ReconcileOutcome {
        let head = try #require(ObjectID(try repo.git("rev-parse HEAD")))
        return try reconciler.reconcile(head: head)
    }

    func deployment(_ id: String) throws -> Deployment? {
        try store.snapshot { tx in try tx.deployment(id) }
    }

    func checkNote(_ sha: String) throws -> CheckNote? {
        try repo.git(["notes", "--ref=sire/checks", "show", sha]).split(separator: "\n")
            .compactMap { CheckNote.parse(String($0)) }.first
    }

    @Test func firstCommitAppliesEveryValidWorkflowAndRecordsACheck() throws {
        try repo.write("workflows/a.yaml", Self.workflow("a"))
        try repo.write("workflows/b.yaml", Self.workflow("b"))
        let sha = try repo.commit("two workflows")
        let outcome = try reconcile()
        #expect(outcome.applied.map(\.id).sorted() == ["a", "b"])
        #expect(outcome.base == nil)
        #expect(try deployment("a")?.appliedCommit == sha)
        let note = try #require(try checkNote(sha))
        #expect(note.workflows.keys.sorted() == ["a", "b"])
        #expect(note.workflows["a"]?.valid == true)
        #expect(note.refused == nil)
        // Reconciling the same commit again does nothing.
        #expect(try reconcile().alreadyReconciled)
    }

    @Test func invalidVersionIsAttemptedOnlyAndTheLastGoodOneStays() throws {
        try repo.write("workflows/a.yaml", Self.workflow("a"))
        let good = try repo.commit("good")
        _ = try reconcile()
        try repo.write("workflows/a.yaml", "id: a\nsteps:\n  - id: x\n    tool: sire:local/nope.nothing\n")
        let bad = try repo.commit("bad")
        let outcome = try reconcile()
        #expect(outcome.applied.isEmpty)
        #expect(outcome.invalid["a"]?.isEmpty == false)
        let deployment = try #require(try deployment("a"))
        #expect(deployment.valid == false)
        #expect(deployment.attemptedCommit == bad)
        #expect(deployment.appliedCommit == good)
        let note = try #require(try checkNote(bad))
        let state = try #require(note.workflows["a"])
        #expect(state.valid == false)
        #expect(state.applied_commit == good)
        #expect(state.diagnostics.first?.line == 4)
        // An unrelated later commit still lists the invalid workflow with its last good version.
        try repo.write("README.md", "docs\n")
        let later = try repo.commit("docs")
        _ = try reconcile()
        #expect(try checkNote(later)?.workflows["a"]?.applied_commit == good)
    }

    @Test func removedWorkflowIsRetiredAndEmptyingTheSetIsRefused() throws {
        try repo.write("workflows/a.yaml", Self.workflow("a"))
        try repo.write("workflows/b.yaml", Self.workflow("b"))
        _ = try repo.commit("two")
        _ = try reconcile()
        try repo.remove("workflows/b.yaml")
        let one = try repo.commit("drop b")
        let outcome = try reconcile()
        #expect(outcome.retired == ["b"])
        #expect(try deployment("b")?.retiredAt != nil)
        #expect(try checkNote(one)?.retired == ["b"])

        try repo.remove("workflows/a.yaml")
        let none = try repo.commit("drop everything")
        let refused = try reconcile()
        #expect(refused.refused?.contains("allow_empty") == true)
        #expect(try deployment("a")?.isLive == true)
        #expect(try checkNote(none)?.refused != nil)

        // With allow_empty the same change is deployed.
        try repo.write("sire.yaml", "allow_empty: true\n")
        _ = try repo.commit("allow empty")
        let allowed = try reconcile()
        #expect(allowed.refused == nil)
        #expect(allowed.retired == ["a"])
    }

    @Test func renamedFileKeepsTheWorkflowIdentity() throws {
        try repo.write("workflows/a.yaml", Self.workflow("a"))
        _ = try repo.commit("a")
        _ = try reconcile()
        try repo.git(["mv", "workflows/a.yaml", "workflows/renamed.yaml"])
        try repo.write("workflows/renamed.yaml", Self.workflow("a", message: "moved"))
        _ = try repo.commit("rename")
        let outcome = try reconcile()
        #expect(outcome.retired.isEmpty)
        #expect(outcome.applied.map(\.path) == ["workflows/renamed.yaml"])
        #expect(try deployment("a")?.isLive == true)
    }

    @Test func duplicateIdInANewFileLeavesTheIncumbentDeployed() throws {
        try repo.write("workflows/a.yaml", Self.workflow("a"))
        _ = try repo.commit("a")
        _ = try reconcile()
        try repo.write("workflows/copy.yaml", Self.workflow("a", message: "copy"))
        let sha = try repo.commit("copy")
        let outcome = try reconcile()
        #expect(outcome.applied.isEmpty)
        #expect(try deployment("a")?.path == "workflows/a.yaml")
        let note = try #require(try checkNote(sha))
        #expect(
            note.workflows.values.contains { state in
                state.path == "workflows/copy.yaml" && state.diagnostics.contains { $0.rule == "duplicate-workflow-id" }
            })
    }

    @Test func forcePushedRewindReconcilesToTheNewHeadWithoutLosingHistory() throws {
        try repo.write("workflows/a.yaml", Self.workflow("a"))
        let first = try repo.commit("a")
        _ = try reconcile()
        try repo.write("workflows/b.yaml", Self.workflow("b"))
        let second = try repo.commit("b")
        _ = try reconcile()
        try repo.git(["reset", "--hard", "--quiet", first])
        try repo.write("workflows/c.yaml", Self.workflow("c"))
        _ = try repo.commit("c instead of b")
        let outcome = try reconcile()
        #expect(outcome.retired == ["b"])
        #expect(outcome.applied.map(\.id) == ["c"])
        // The rewound commit's record is still in the ledger.
        #expect(try checkNote(second)?.workflows["b"]?.valid == true)
    }

    @Test func invalidConfigRefusesTheCommit() throws {
        try repo.write("workflows/a.yaml", Self.workflow("a"))
        _ = try repo.commit("a")
        _ = try reconcile()
        try repo.write("sire.yaml", "workflows: 12\nbogus: [\n")
        try repo.write("workflows/a.yaml", Self.workflow("a", message: "changed"))
        _ = try repo.commit("broken config")
        let outcome = try reconcile()
        #expect(outcome.refused?.contains("sire.yaml") == true)
        #expect(outcome.applied.isEmpty)
    }

    @Test func liveWorkflowsReloadTheAppliedVersions() throws {
        try repo.write("workflows/a.yaml", Self.workflow("a", schedule: "*/5 * * * * *"))
        _ = try repo.commit("a")
        _ = try reconcile()
        try repo.write("workflows/a.yaml", "id: a\nsteps: [[[\n")
        _ = try repo.commit("broken")
        _ = try reconcile()
        let live = try reconciler.liveWorkflows()
        #expect(live.map(\.id) == ["a"])
        #expect(live.first?.workflow.triggers.schedules.count == 1)
    }
}
