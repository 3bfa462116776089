import Foundation
import SireTestSupport
import Testing

@Suite("sire-git validate: sources, exit status and text output")
struct ValidateCommandTests {
    @Test("a clean work tree exits 0 and says how many workflows are valid")
    func cleanWorkTree() async throws {
        let repo = try await GitFixture.committed([
            "workflows/a.yaml": Workflows.valid("alpha"),
            "workflows/nested/b.yml": Workflows.valid("beta", cron: "0 * * * *"),
        ])
        let result = try await repo.sire("validate")
        #expect(result.status == 0, "\(result)")
        #expect(result.lines == ["2 workflows valid"], "\(result)")
        #expect(result.stderr.isEmpty)
    }

    @Test(
        "an invalid workflow exits 1 with path:line:col, the source line and a caret under the column"
    )
    func textDiagnosticWithSnippet() async throws {
        let repo = try await GitFixture.committed([
            "workflows/good.yaml": Workflows.valid("good"),
            "workflows/bad.yaml": Workflows.unknownBuiltin("bad"),
        ])
        let result = try await repo.sire("validate")
        #expect(result.status == 1, "\(result)")
        let lines = result.lines
        let headline =
            "workflows/bad.yaml:4:22: error: unknown built-in tool 'sire:local/nope.nothing' [unknown-builtin]"
        let index = try #require(lines.firstIndex(of: headline), "\(result)")
        try #require(lines.count > index + 2)
        #expect(lines[index + 1] == " 4 |     tool: sire:local/nope.nothing")
        #expect(lines[index + 2] == "   |                      ^")
        // The caret sits under column 22 of the quoted source line: the start of the unknown name.
        let source = lines[index + 1].dropFirst(" 4 | ".count)
        let caret = lines[index + 2].dropFirst("   | ".count)
        #expect(
            caret.firstIndex(of: "^").map { caret.distance(from: caret.startIndex, to: $0) } == 21)
        #expect(source.dropFirst(21).hasPrefix("nope.nothing"))
        #expect(lines.last == "1 error, 0 warnings in 2 workflows (1 invalid)")
    }

    @Test("a caret after non-ASCII text still lands under the column counted in characters")
    func caretAfterNonASCII() async throws {
        let repo = try await GitFixture.committed([
            "workflows/uni.yaml": """
            id: uni
            steps:
              - id: a
                tool: sire:local/log.write
                params: { level: info, message: "héllo ✓ {{ nope(1) }}" }

            """
        ])
        let result = try await repo.sire("validate")
        #expect(result.status == 1, "\(result)")
        let lines = result.lines
        let index = try #require(
            lines.firstIndex { $0.hasSuffix("[unknown-function]") }, "\(result)")
        let headline = lines[index]
        let column = try #require(Int(headline.split(separator: ":")[2]))
        let source = Array(lines[index + 1].dropFirst(" 5 | ".count))
        let caret = Array(lines[index + 2].dropFirst("   | ".count))
        #expect(caret.firstIndex(of: "^") == column - 1, "\(result)")
        #expect(String(source[(column - 1)...]).hasPrefix("nope"), "\(result)")
    }

    @Test("every problem is reported, not just the first, sorted by file and line")
    func everyProblemReported() async throws {
        let repo = try await GitFixture.committed([
            "workflows/b.yaml": Workflows.unknownBuiltin("bee"),
            "workflows/a.yaml": """
            id: ay
            steps:
              - id: one
                tool: sire:local/log.write
                needs: [ghost]
                colour: red

            """,
        ])
        let result = try await repo.sire("validate")
        #expect(result.status == 1)
        let diagnostics = diagnosticLines(result.stdout)
        #expect(diagnostics.count == 3, "\(result)")
        #expect(diagnostics.first?.hasPrefix("workflows/a.yaml:5:") == true, "\(result)")
        #expect(diagnostics.last?.hasPrefix("workflows/b.yaml:4:22: error:") == true, "\(result)")
        #expect(
            diagnostics.contains {
                $0.hasPrefix("workflows/a.yaml:6:5: error:") && $0.hasSuffix("[unknown-key]")
            })
        #expect(result.lines.last == "3 errors, 0 warnings in 2 workflows (2 invalid)")
    }

    @Test("--rev reads the commit from git, not the work tree, in both directions")
    func revReadsGitNotWorkTree() async throws {
        let repo = try await GitFixture()
        try repo.write("workflows/flow.yaml", Workflows.unknownBuiltin("flow"))
        let broken = try await repo.commit("broken")
        try repo.write("workflows/flow.yaml", Workflows.valid("flow"))
        let fixed = try await repo.commit("fixed")
        // Uncommitted: the work tree breaks again, and gains a file no commit has.
        try repo.write("workflows/flow.yaml", "id: flow\nsteps: [\n")
        try repo.write("workflows/extra.yaml", Workflows.valid("extra"))

        let atHead = try await repo.sire("validate", "--rev", "HEAD")
        #expect(atHead.status == 0, "\(atHead)")
        #expect(atHead.lines == ["1 workflow valid at \(fixed.prefix(7))"], "\(atHead)")

        let atBroken = try await repo.sire("validate", "--rev", broken)
        #expect(atBroken.status == 1, "\(atBroken)")
        #expect(
            diagnosticLines(atBroken.stdout).map { $0.components(separatedBy: ": error:")[0] } == [
                "workflows/flow.yaml:4:22"
            ])
        #expect(
            atBroken.lines.last?.hasSuffix("in 1 workflow at \(broken.prefix(7)) (1 invalid)")
                == true, "\(atBroken)")

        let workTree = try await repo.sire("validate")
        #expect(workTree.status == 1, "\(workTree)")
        #expect(workTree.stdout.contains("[yaml-syntax]"), "\(workTree)")
        #expect(workTree.stdout.contains("in 2 workflows (1 invalid)"), "\(workTree)")
    }

    @Test("--rev with FILE validates only that file as committed")
    func revWithFile() async throws {
        let repo = try await GitFixture.committed([
            "workflows/good.yaml": Workflows.valid("good"),
            "workflows/bad.yaml": Workflows.unknownBuiltin("bad"),
        ])
        try repo.write("workflows/good.yaml", "not: [valid\n")
        let good = try await repo.sire("validate", "workflows/good.yaml", "--rev", "HEAD")
        #expect(good.status == 0, "\(good)")
        #expect(good.lines.last?.hasPrefix("1 workflow valid at ") == true, "\(good)")

        let missing = try await repo.sire("validate", "workflows/nope.yaml", "--rev", "HEAD")
        #expect(missing.status == 2, "\(missing)")
        #expect(missing.stderr.contains("workflows/nope.yaml"), "\(missing)")
    }

    @Test("FILE arguments are read from disk and only they are validated")
    func fileArguments() async throws {
        let repo = try await GitFixture.committed([
            "workflows/good.yaml": Workflows.valid("good"),
            "workflows/bad.yaml": Workflows.unknownBuiltin("bad"),
        ])
        let good = try await repo.sire("validate", "workflows/good.yaml")
        #expect(good.status == 0, "\(good)")
        #expect(good.lines == ["1 workflow valid"], "\(good)")

        // A file outside the workflow directories, never committed, is still validated.
        try repo.write("drafts/new.yaml", Workflows.unknownBuiltin("draft"))
        let draft = try await repo.sire("validate", "drafts/new.yaml", "workflows/good.yaml")
        #expect(draft.status == 1, "\(draft)")
        #expect(diagnosticLines(draft.stdout).count == 1)
        #expect(draft.stdout.hasPrefix("drafts/new.yaml:4:22: error: "), "\(draft)")
        #expect(draft.lines.last == "1 error, 0 warnings in 2 workflows (1 invalid)", "\(draft)")

        let absent = try await repo.sire("validate", "workflows/absent.yaml")
        #expect(absent.status == 2, "\(absent)")
        #expect(absent.stderr.contains("workflows/absent.yaml"), "\(absent)")
    }

    @Test("--repo points at a repository from outside it")
    func repoOption() async throws {
        let repo = try await GitFixture.committed(["workflows/bad.yaml": Workflows.unknownBuiltin("bad")])
        let result = try await SireBinary.run(["validate", "--repo", repo.root], in: repo.sandbox)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("workflows/bad.yaml:4:22: error:"), "\(result)")
    }

    @Test(
        "usage errors exit 2 with one line on stderr and no stack trace",
        arguments: [
            ["validate", "--rev", "no-such-branch"],
            ["validate", "--rev", "0123456789abcdef0123456789abcdef01234567"],
            ["validate", "--repo", "NOT-A-REPO"],
            ["validate", "--repo", "NOT-A-REPO", "--rev", "HEAD"],
        ])
    func usageErrors(arguments: [String]) async throws {
        let repo = try await GitFixture.committed(["workflows/a.yaml": Workflows.valid("alpha")])
        try FileManager.default.createDirectory(
            atPath: repo.sandbox + "/plain", withIntermediateDirectories: true)
        let resolved = arguments.map { $0 == "NOT-A-REPO" ? repo.sandbox + "/plain" : $0 }
        let result = try await repo.sire(resolved)
        #expect(result.status == 2, "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
        let stderr = result.errorLines
        #expect(stderr.count == 1, "\(result)")
        #expect(stderr.first?.hasPrefix("sire-git: ") == true, "\(result)")
        for marker in ["Fatal error", "Stack dump", "#0 ", "0x"] {
            #expect(!result.stderr.contains(marker), "\(result)")
        }
    }

    @Test("an unknown revision names the revision")
    func unknownRevisionMessage() async throws {
        let repo = try await GitFixture.committed(["workflows/a.yaml": Workflows.valid("alpha")])
        let result = try await repo.sire("validate", "--rev", "no-such-branch")
        #expect(result.status == 2)
        #expect(result.stderr.contains("no-such-branch"), "\(result)")
    }
}
