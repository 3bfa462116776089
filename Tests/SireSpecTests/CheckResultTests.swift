import SireCore
import Testing

@testable import SireSpec

/// The PR check: which problems a change introduces, and what it would deploy.
@Suite("Check result")
struct CheckResultTests {
    /// A revision's workflow set: path → (blob, text).
    typealias Revision = [String: (blob: String, text: String)]

    static func report(_ revision: Revision, config: RepoConfig = RepoConfig()) -> ValidationReport {
        ValidationReport(
            files: revision.map { WorkflowFile(path: $0.key, blob: $0.value.blob, bytes: Array($0.value.text.utf8)) },
            config: config)
    }

    static func check(
        base: Revision, head: Revision, changed: Set<String>, baseConfig: RepoConfig = RepoConfig(),
        headConfig: RepoConfig = RepoConfig()
    ) -> CheckResult {
        CheckResult(
            base: report(base, config: baseConfig), head: report(head, config: headConfig), changedPaths: changed)
    }

    static let good = "steps:\n  - { id: a, tool: sire:local/log.write }\n"
    static let broken = "steps:\n  - { id: a, needs: [ghost], tool: sire:local/log.write }\n"

    static func scheduled(_ cron: String, push: String? = nil, http: Bool = false) -> String {
        var text = "on:\n  schedule: [\"\(cron)\"]\n"
        if let push { text += "  push: { paths: [\"\(push)\"] }\n" }
        if http { text += "  http: {}\n" }
        return text + good
    }

    // MARK: new vs pre-existing problems

    @Test func problemInUnchangedFileThatExistedAtBaseIsPreexisting() {
        let result = Self.check(
            base: ["workflows/old.yaml": ("b1", Self.broken), "workflows/x.yaml": ("x1", Self.good)],
            head: ["workflows/old.yaml": ("b1", Self.broken), "workflows/x.yaml": ("x2", Self.scheduled("@daily"))],
            changed: ["workflows/x.yaml"])
        #expect(result.newProblems == [])
        #expect(result.newErrorCount == 0)
        #expect(result.preexistingProblems.map(\.rule) == [Rule.unknownStep])
        #expect(result.preexistingProblems.map(\.path) == ["workflows/old.yaml"])
    }

    @Test func sameProblemInAChangedFileIsNew() {
        // Touching a broken file makes its problems the author's to fix.
        let edited = "# edited\n" + Self.broken
        let result = Self.check(
            base: ["workflows/old.yaml": ("b1", Self.broken)],
            head: ["workflows/old.yaml": ("b2", edited)],
            changed: ["workflows/old.yaml"])
        #expect(result.newProblems.map(\.rule) == [Rule.unknownStep])
        #expect(result.newProblems.first?.line == 3)
        #expect(result.preexistingProblems == [])
        #expect(result.newErrorCount == 1)
    }

    @Test func problemIntroducedInANewFileIsNew() {
        let result = Self.check(
            base: ["workflows/a.yaml": ("a1", Self.good)],
            head: ["workflows/a.yaml": ("a1", Self.good), "workflows/b.yaml": ("b1", Self.broken)],
            changed: ["workflows/b.yaml"])
        #expect(result.newProblems.map(\.path) == ["workflows/b.yaml"])
        #expect(result.changes.map(\.kind) == [.added])
        #expect(result.changes.first?.valid == false)
    }

    @Test func problemCausedBySireYAMLChangeIsNewInTheUnchangedFile() throws {
        let text = "steps:\n  - { id: a, tool: mcp://notes/append }\n"
        let withServer = RepoConfig(servers: ["notes": .stdio(command: ["notes-server"], env: [:])])
        let result = Self.check(
            base: ["workflows/w.yaml": ("w1", text)], head: ["workflows/w.yaml": ("w1", text)],
            changed: [RepoConfig.fileName], baseConfig: withServer, headConfig: RepoConfig())
        let problem = try #require(result.newProblems.only)
        #expect(problem.rule == Rule.unknownServer)
        #expect(problem.path == "workflows/w.yaml")
        #expect(result.preexistingProblems == [])
        #expect(result.newErrorCount == 1)
    }

    @Test func newProblemsAreSorted() {
        let result = Self.check(
            base: [:],
            head: ["workflows/b.yaml": ("b", Self.broken), "workflows/a.yaml": ("a", "bogus: 1\n" + Self.broken)],
            changed: ["workflows/a.yaml", "workflows/b.yaml"])
        #expect(
            result.newProblems.map { "\($0.path):\($0.line) \($0.rule)" } == [
                "workflows/a.yaml:1 unknown-key", "workflows/a.yaml:3 unknown-step", "workflows/b.yaml:2 unknown-step",
            ])
    }

    @Test func newFileReusingADeployedIDFailsTheCheck() throws {
        // `a.yaml` sorts before the deployed `b.yaml`, so the duplicate is reported on the
        // unchanged `b.yaml`; it is still a new problem, so the check fails.
        let result = Self.check(
            base: ["workflows/b.yaml": ("b1", "id: x\n" + Self.good)],
            head: [
                "workflows/a.yaml": ("a1", "id: x\n" + Self.good), "workflows/b.yaml": ("b1", "id: x\n" + Self.good),
            ],
            changed: ["workflows/a.yaml"])
        let problem = try #require(result.newProblems.only)
        #expect(problem.rule == Rule.duplicateWorkflowID)
        #expect(problem.path == "workflows/b.yaml")
        #expect(problem.message.contains("workflows/a.yaml"))
        #expect(result.newErrorCount == 1)
    }

    // MARK: changes

    @Test func addedRemovedModifiedAndUnchanged() {
        let result = Self.check(
            base: [
                "workflows/keep.yaml": ("k1", Self.good), "workflows/gone.yaml": ("g1", Self.scheduled("0 1 * * *")),
                "workflows/edit.yaml": ("e1", Self.good),
            ],
            head: [
                "workflows/keep.yaml": ("k1", Self.good), "workflows/new.yaml": ("n1", Self.scheduled("@hourly")),
                "workflows/edit.yaml": ("e2", "name: Edited\n" + Self.good),
            ],
            changed: ["workflows/gone.yaml", "workflows/new.yaml", "workflows/edit.yaml"])
        #expect(result.changes.map { "\($0.kind) \($0.id)" } == ["modified edit", "removed gone", "added new"])
        let removed = result.changes[1]
        #expect(removed.path == "workflows/gone.yaml")
        #expect(removed.schedulesRemoved.map(\.cron.source) == ["0 1 * * *"])
        #expect(removed.schedulesAdded == [])
        let added = result.changes[2]
        #expect(added.oldPath == nil)
        #expect(added.valid)
        #expect(added.schedulesAdded.map(\.cron.source) == ["@hourly"])
        let modified = result.changes[0]
        #expect(modified.oldPath == "workflows/edit.yaml")
        #expect(modified.schedulesAdded == [] && modified.schedulesRemoved == [])
        #expect(modified.push == nil && modified.http == nil)
    }

    @Test func movedWorkflowKeepsItsIdentity() throws {
        let text = "id: report\n" + Self.scheduled("@daily")
        let result = Self.check(
            base: ["workflows/report.yaml": ("r1", text)], head: ["workflows/nightly/report.yaml": ("r1", text)],
            changed: ["workflows/report.yaml", "workflows/nightly/report.yaml"])
        // Identity is the id, not the path: a move is one modified workflow, not a remove + add,
        // and its schedule is neither added nor removed.
        let change = try #require(result.changes.only)
        #expect(change.kind == .modified)
        #expect(change.id == "report")
        #expect(change.path == "workflows/nightly/report.yaml")
        #expect(change.oldPath == "workflows/report.yaml")
        #expect(change.schedulesAdded == [] && change.schedulesRemoved == [])
    }

    @Test func scheduleAndTriggerChanges() throws {
        let result = Self.check(
            base: ["workflows/w.yaml": ("1", Self.scheduled("0 2 * * *"))],
            head: ["workflows/w.yaml": ("2", Self.scheduled("0 3 * * *", push: "data/**", http: true))],
            changed: ["workflows/w.yaml"])
        let change = try #require(result.changes.only)
        #expect(change.kind == .modified)
        #expect(change.valid)
        #expect(change.schedulesAdded.map(\.cron.source) == ["0 3 * * *"])
        #expect(change.schedulesRemoved.map(\.cron.source) == ["0 2 * * *"])
        let push = try #require(change.push)
        #expect(push.before == nil)
        #expect(push.after == PushTrigger(paths: ["data/**"]))
        let http = try #require(change.http)
        #expect(http.before == false && http.after == true)
    }

    @Test func timeZoneChangeReplacesTheSchedule() throws {
        let paris = "on:\n  schedule: [{ cron: \"0 2 * * *\", timezone: Europe/Paris }]\n" + Self.good
        let result = Self.check(
            base: ["workflows/w.yaml": ("1", Self.scheduled("0 2 * * *"))], head: ["workflows/w.yaml": ("2", paris)],
            changed: ["workflows/w.yaml"])
        let change = try #require(result.changes.only)
        #expect(change.schedulesAdded.map(\.timeZone) == ["Europe/Paris"])
        #expect(change.schedulesRemoved.map(\.timeZone) == ["UTC"])
    }

    @Test func invalidHeadVersionClaimsNoTriggerChanges() throws {
        // The head version would add a schedule and a push trigger, but it is invalid: the last
        // good version keeps running, so nothing about its triggers changes.
        let invalid = Self.scheduled("0 3 * * *", push: "data/**", http: true)
            .replacingOccurrences(of: "id: a,", with: "id: a, needs: [ghost],")
        let result = Self.check(
            base: ["workflows/w.yaml": ("1", Self.scheduled("0 2 * * *"))], head: ["workflows/w.yaml": ("2", invalid)],
            changed: ["workflows/w.yaml"])
        let change = try #require(result.changes.only)
        #expect(change.kind == .modified)
        #expect(!change.valid)
        #expect(change.schedulesAdded == [])
        #expect(change.schedulesRemoved == [])
        #expect(change.push == nil)
        #expect(change.http == nil)
        #expect(result.newErrorCount == 1)
    }

    // MARK: empty workflow set

    @Test func removingEveryWorkflowIsANewProblem() throws {
        let result = Self.check(
            base: ["workflows/a.yaml": ("a", Self.good), "workflows/b.yaml": ("b", Self.good)], head: [:],
            changed: ["workflows/a.yaml", "workflows/b.yaml"])
        let problem = try #require(result.newProblems.only)
        #expect(problem.rule == Rule.emptyWorkflowSet)
        #expect(problem.path == RepoConfig.fileName)
        #expect(problem.position == SourcePosition(line: 1, column: 1))
        #expect(problem.message.contains("2 at base"))
        #expect(problem.message.contains("allow_empty"))
        #expect(result.newErrorCount == 1)
        #expect(result.changes.map(\.kind) == [.removed, .removed])
    }

    @Test func allowEmptyPermitsRemovingEveryWorkflow() {
        let result = Self.check(
            base: ["workflows/a.yaml": ("a", Self.good)], head: [:], changed: ["workflows/a.yaml"],
            headConfig: RepoConfig(allowEmpty: true))
        #expect(result.newProblems == [])
        #expect(result.changes.map(\.kind) == [.removed])
    }

    @Test func emptyBeforeAndAfterIsNotAProblem() {
        let result = Self.check(base: [:], head: [:], changed: [])
        #expect(result.newProblems == [])
        #expect(result.changes.isEmpty)
    }
}
