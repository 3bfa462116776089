import Foundation
import SireTestSupport
import Testing

@Suite("sire-git validate with sire.yaml: config problems, MCP servers, workflow directories, ids")
struct ValidateConfigTests {
    private static let twoTools = """
        id: tools
        steps:
          - id: declared
            tool: mcp://notes/append
          - id: undeclared
            tool: mcp://search/upload

        """

    @Test("an unknown key in sire.yaml is reported against sire.yaml with a suggestion")
    func unknownConfigKey() async throws {
        let repo = try await GitFixture.committed([
            "sire.yaml": "workflows: [workflows]\nworkflow_dirs: [x]\n",
            "workflows/good.yaml": Workflows.valid("good"),
        ])
        let result = try await repo.sire("validate")
        #expect(result.status == 1, "\(result)")
        #expect(
            diagnosticLines(result.stdout) == [
                "sire.yaml:2:1: error: unknown key 'workflow_dirs' in sire.yaml; did you mean 'workflows'? [unknown-key]"
            ], "\(result)")

        let json = try await repo.sire("validate", "--format", "json").jsonObject()
        let config = try #require(json["config"] as? [String: Any])
        let diagnostics = try #require(config["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?["path"] as? String == "sire.yaml")
        #expect(diagnostics.first?["rule"] as? String == "unknown-key")
        #expect(diagnostics.first?["line"] as? Int == 2)
    }

    @Test("a sire.yaml problem gets the same source line and caret as a workflow problem")
    func configSnippet() async throws {
        let repo = try await GitFixture.committed([
            "sire.yaml": "workflows: [workflows]\nworkflow_dirs: [x]\n",
            "workflows/good.yaml": Workflows.valid("good"),
        ])
        let result = try await repo.sire("validate")
        let lines = result.lines
        let index = try #require(lines.firstIndex { $0.hasPrefix("sire.yaml:2:1:") }, "\(result)")
        #expect(lines.dropFirst(index + 1).first == " 2 | workflow_dirs: [x]", "\(result)")
        #expect(lines.dropFirst(index + 2).first == "   | ^", "\(result)")

    }

    @Test("mcp://NAME/TOOL is accepted for a server declared in sire.yaml and refused otherwise")
    func declaredServers() async throws {
        let repo = try await GitFixture.committed([
            "sire.yaml": "servers:\n  notes: { command: [python3, tools/notes.py] }\n",
            "workflows/tools.yaml": Self.twoTools,
        ])
        let result = try await repo.sire("validate")
        #expect(result.status == 1, "\(result)")
        let diagnostics = diagnosticLines(result.stdout)
        #expect(diagnostics.count == 1, "\(result)")
        let only = try #require(diagnostics.first)
        #expect(only.hasPrefix("workflows/tools.yaml:6:"), "\(result)")
        #expect(only.hasSuffix("[unknown-server]"))
        #expect(only.contains("'search'"))
        #expect(!result.stdout.contains("'notes' is not declared"))
    }

    @Test("without sire.yaml no mcp:// server is declared")
    func noConfigNoServers() async throws {
        let repo = try await GitFixture.committed(["workflows/tools.yaml": Self.twoTools])
        let result = try await repo.sire("validate")
        #expect(result.status == 1, "\(result)")
        let rules = diagnosticLines(result.stdout).filter { $0.hasSuffix("[unknown-server]") }
        #expect(rules.count == 2, "\(result)")
    }

    @Test("a custom workflows directory is scanned and the default one is not")
    func customWorkflowDirectory() async throws {
        let repo = try await GitFixture.committed([
            "sire.yaml": "workflows: [flows]\n",
            "flows/a.yaml": Workflows.valid("a"),
            "flows/deeper/b.yml": Workflows.valid("b"),
            "flows/notes.txt": "not a workflow",
            "workflows/ignored.yaml": Workflows.unknownBuiltin("ignored"),
        ])
        let workTree = try await repo.sire("validate")
        #expect(workTree.status == 0, "\(workTree)")
        #expect(workTree.lines == ["2 workflows valid"], "\(workTree)")

        let atRev = try await repo.sire("validate", "--rev", "HEAD", "--format", "json")
        #expect(atRev.status == 0, "\(atRev)")
        let workflows = try #require(try atRev.jsonObject()["workflows"] as? [[String: Any]])
        #expect(
            workflows.compactMap { $0["path"] as? String } == [
                "flows/a.yaml", "flows/deeper/b.yml",
            ])
    }

    @Test("--rev reads sire.yaml from the commit too")
    func configAtRevision() async throws {
        let repo = try await GitFixture.committed([
            "sire.yaml": "workflows: [flows]\n",
            "flows/a.yaml": Workflows.unknownBuiltin("a"),
        ])
        try repo.write("sire.yaml", "workflows: [workflows]\n")
        let workTree = try await repo.sire("validate")
        #expect(workTree.status == 0, "\(workTree)")
        #expect(workTree.lines == ["0 workflows valid"], "\(workTree)")
        let atHead = try await repo.sire("validate", "--rev", "HEAD")
        #expect(atHead.status == 1, "\(atHead)")
        #expect(atHead.stdout.contains("flows/a.yaml:4:22: error:"), "\(atHead)")
    }

    @Test("two files with the same workflow id are reported at the second file's id")
    func duplicateWorkflowIDs() async throws {
        let repo = try await GitFixture.committed([
            "workflows/first.yaml": Workflows.valid("same"),
            "workflows/second.yaml": Workflows.valid("same"),
        ])
        let result = try await repo.sire("validate")
        #expect(result.status == 1, "\(result)")
        #expect(
            diagnosticLines(result.stdout) == [
                "workflows/second.yaml:1:5: error: workflow id 'same' is already used by workflows/first.yaml [duplicate-workflow-id]"
            ], "\(result)")
    }

    @Test("a file stem is the default id, so it can collide with an explicit id")
    func duplicateDefaultID() async throws {
        let repo = try await GitFixture.committed([
            "workflows/nightly.yaml": "steps:\n  - id: a\n    tool: sire:local/log.write\n",
            "workflows/other.yaml": Workflows.valid("nightly"),
        ])
        let result = try await repo.sire("validate")
        #expect(result.status == 1, "\(result)")
        let diagnostics = diagnosticLines(result.stdout)
        #expect(diagnostics.count == 1, "\(result)")
        #expect(diagnostics.first?.hasSuffix("[duplicate-workflow-id]") == true, "\(result)")
        #expect(diagnostics.first?.contains("'nightly'") == true, "\(result)")
    }
}
