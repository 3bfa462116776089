import SireCore
import Testing

@testable import SireSpec

/// Validation of a set of files together: ids across files, what is valid, counts and order.
@Suite("Validation report")
struct ValidationReportTests {
    static func file(_ path: String, _ text: String, blob: String? = nil) -> WorkflowFile {
        WorkflowFile(path: path, blob: blob, bytes: Array(text.utf8))
    }

    static let minimal = "steps:\n  - { id: a, tool: sire:local/log.write }\n"

    @Test func duplicateIDIsReportedOnTheSecondFileAtItsIDLine() throws {
        let first = Self.file("workflows/a.yaml", "# first\nid: same\n" + Self.minimal)
        let second = Self.file("workflows/b.yaml", "name: B\n\nid: same\n" + Self.minimal)
        // Given in reverse order: "second" means second by path, so results do not depend on
        // the order a directory listing happened to return.
        let report = ValidationReport(files: [second, first], config: RepoConfig())
        #expect(report.files.map(\.path) == ["workflows/a.yaml", "workflows/b.yaml"])
        #expect(report.files[0].diagnostics == [])
        let diagnostic = try #require(report.files[1].diagnostics.only)
        #expect(diagnostic.rule == Rule.duplicateWorkflowID)
        #expect(diagnostic.path == "workflows/b.yaml")
        #expect(diagnostic.position == SourcePosition(line: 3, column: 5))
        #expect(diagnostic.message.contains("workflows/a.yaml"))
        #expect(report.workflows.keys.sorted() == ["same"])
        #expect(report.workflows["same"]?.path == "workflows/a.yaml")
        #expect(report.files[1].workflow == nil)
        #expect(!report.files[1].isValid)
        #expect(report.errorCount == 1)
    }

    @Test func fileStemIDsCollideWithExplicitIDs() throws {
        // `hello.yml` has no id: its id is its stem, and it clashes with `a.yaml`'s explicit one.
        let report = ValidationReport(
            files: [
                Self.file("workflows/sub/hello.yml", Self.minimal),
                Self.file("workflows/a.yaml", "id: hello\n" + Self.minimal),
            ], config: RepoConfig())
        #expect(report.files.map(\.workflowID) == ["hello", "hello"])
        let diagnostic = try #require(report.diagnostics.only)
        #expect(diagnostic.path == "workflows/sub/hello.yml")
        #expect(diagnostic.position == SourcePosition(line: 1, column: 1), "a stem id is located at the file's start")
        #expect(report.workflows["hello"]?.path == "workflows/a.yaml")
    }

    @Test func distinctStemsAreDistinctWorkflows() {
        let report = ValidationReport(
            files: [
                Self.file("workflows/a.yaml", Self.minimal, blob: "1111"),
                Self.file("other/b.yml", Self.minimal, blob: "2222"),
            ], config: RepoConfig())
        #expect(report.diagnostics == [])
        #expect(report.workflows.keys.sorted() == ["a", "b"])
        #expect(report.workflows["b"]?.blob == "2222")
        #expect(report.workflows["a"]?.workflow.steps.map(\.id) == ["a"])
    }

    @Test func invalidFileStemIsRefusedUnlessIDIsSet() {
        let bad = ValidationReport(
            files: [Self.file("workflows/Nightly Report.yaml", Self.minimal)], config: RepoConfig())
        #expect(bad.diagnostics.map(\.rule) == [Rule.invalidID])
        #expect(bad.workflows.isEmpty)
        let fixed = ValidationReport(
            files: [Self.file("workflows/Nightly Report.yaml", "id: nightly-report\n" + Self.minimal)],
            config: RepoConfig())
        #expect(fixed.diagnostics == [])
        #expect(fixed.workflows.keys.sorted() == ["nightly-report"])
    }

    @Test func invalidFilesAreReportedButNotInWorkflows() {
        let report = ValidationReport(
            files: [
                Self.file("workflows/good.yaml", Self.minimal),
                Self.file("workflows/bad.yaml", "steps:\n  - { id: a, tool: sire:local/nope.nope }\n"),
                Self.file("workflows/broken.yaml", "steps: [\n"),
            ], config: RepoConfig())
        #expect(report.files.count == 3)
        #expect(report.workflows.keys.sorted() == ["good"])
        #expect(report.files.map(\.isValid) == [false, false, true])
        // A file too broken to decode still carries its stem id, so duplicates are still found.
        #expect(report.files.first { $0.path == "workflows/broken.yaml" }?.workflowID == "broken")
    }

    @Test func warningsDoNotInvalidateAndAreCountedApart() {
        let report = ValidationReport(
            files: [
                Self.file(
                    "workflows/w.yaml",
                    """
                    steps:
                      - { id: a, tool: sire:local/log.write, max_parallel: 2 }
                      - { id: b, tool: sire:local/log.write, recover: true }
                    """),
                Self.file("workflows/e.yaml", "steps:\n  - { id: a, tool: sire:local/log.writ }\n"),
            ], config: RepoConfig())
        #expect(report.warningCount == 2)
        #expect(report.errorCount == 1)
        #expect(report.workflows.keys.sorted() == ["w"])
        #expect(
            report.diagnostics.first { $0.rule == Rule.unknownBuiltin }?.message.contains("did you mean 'log.write'")
                == true)
    }

    @Test func diagnosticsAreSortedByPathThenPosition() {
        let configProblem = Diagnostic(
            rule: Rule.unknownKey, path: "sire.yaml", position: SourcePosition(line: 2, column: 1), message: "x")
        let report = ValidationReport(
            files: [
                Self.file(
                    "workflows/z.yaml",
                    """
                    steps:
                      - { id: b, needs: [nope], tool: sire:local/log.write }
                      - { id: a, tool: sire:local/nope.x }
                    """),
                Self.file("workflows/m.yaml", "bogus: 1\n" + Self.minimal),
            ], config: RepoConfig(), configDiagnostics: [configProblem])
        let order = report.diagnostics.map { "\($0.path):\($0.line):\($0.column) \($0.rule)" }
        #expect(
            order == [
                "sire.yaml:2:1 unknown-key",
                "workflows/m.yaml:1:1 unknown-key",
                "workflows/z.yaml:2:22 unknown-step",
                "workflows/z.yaml:3:31 unknown-builtin",
            ])
        #expect(report.errorCount == 4, "config problems count too")
    }

    @Test func emptySetIsClean() {
        let report = ValidationReport(files: [], config: RepoConfig())
        #expect(report.diagnostics == [])
        #expect(report.workflows.isEmpty)
        #expect(report.errorCount == 0)
    }
}
