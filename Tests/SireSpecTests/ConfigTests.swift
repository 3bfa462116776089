import SireCore
import Testing

@testable import SireSpec

/// `sire.yaml`: where workflows live, named MCP servers, signature verification.
@Suite("sire.yaml")
struct ConfigTests {
    static func load(_ text: String) -> (RepoConfig, [String]) {
        let (config, diagnostics) = WorkflowValidator.loadConfig(bytes: Array(text.utf8))
        for diagnostic in diagnostics { #expect(diagnostic.path == RepoConfig.fileName) }
        return (config, diagnostics.map { "\($0.rule) \($0.line):\($0.column)" })
    }

    @Test func noFileOrEmptyFileMeansDefaults() {
        let (missing, missingProblems) = WorkflowValidator.loadConfig(bytes: nil)
        #expect(missing == RepoConfig())
        #expect(missingProblems == [])
        #expect(missing.workflowDirectories == ["workflows"])
        #expect(!missing.allowEmpty)
        #expect(missing.verify.mode == .none)
        let (empty, emptyProblems) = Self.load("# nothing configured yet\n")
        #expect(empty == RepoConfig())
        #expect(emptyProblems == [])
    }

    @Test func fullConfig() throws {
        let (config, problems) = Self.load(
            """
            workflows: [workflows, ./ops/flows/]
            branch: release
            allow_empty: true
            servers:
              notes:  { command: [python3, tools/notes_server.py], env: {LEVEL: info} }
              search: { url: "https://mcp.example.com/mcp", headers: { Authorization: "Bearer {{ secrets.SEARCH_TOKEN }}" } }
            verify: { mode: head, allowed_signers: .sire/allowed_signers }
            """)
        #expect(problems == [])
        #expect(config.workflowDirectories == ["workflows", "ops/flows"])
        #expect(config.branch == "release")
        #expect(config.allowEmpty)
        #expect(
            config.servers["notes"] == .stdio(command: ["python3", "tools/notes_server.py"], env: ["LEVEL": "info"]))
        guard case .http(let url, let headers) = try #require(config.servers["search"]) else {
            Issue.record("search should be an HTTP server")
            return
        }
        #expect(url == "https://mcp.example.com/mcp")
        // Header values are templates, rendered per call with the run's secrets.
        let authorization = try #require(headers["Authorization"])
        let context = EvaluationContext(variables: ["secrets": .object(["SEARCH_TOKEN": .string("t0k")])])
        #expect(try authorization.render(in: context) == .string("Bearer t0k"))
        #expect(config.verify == VerifyConfig(mode: .head, allowedSigners: ".sire/allowed_signers"))
    }

    @Test(arguments: [
        ("workflows: flows", ["flows"]),
        ("workflows: [./flows/]", ["flows"]),
        ("workflows: [a/b//, ./c]", ["a/b", "c"]),
        ("workflows: [., ./]", ["", ""]),
    ])
    func workflowDirectoriesAreNormalised(text: String, expected: [String]) {
        let (config, problems) = Self.load(text)
        #expect(problems == [])
        #expect(config.workflowDirectories == expected)
    }

    @Test(arguments: ["../elsewhere", "flows/../../x", "/etc", "a/.."])
    func workflowDirectoriesMustStayInsideTheRepository(dir: String) {
        let (config, problems) = Self.load("workflows: [ok, \"\(dir)\"]")
        #expect(problems == ["invalid-value 1:17"])
        #expect(config.workflowDirectories == ["ok"])
    }

    @Test func emptyWorkflowListIsAProblem() {
        let (_, problems) = Self.load("workflows: []")
        #expect(problems == ["invalid-value 1:12"])
    }

    @Test func isWorkflowPath() {
        let config = RepoConfig(workflowDirectories: ["workflows", "ops/flows"])
        #expect(config.isWorkflowPath("workflows/a.yaml"))
        #expect(config.isWorkflowPath("workflows/deep/b.yml"))
        #expect(config.isWorkflowPath("ops/flows/c.yaml"))
        #expect(!config.isWorkflowPath("workflows/a.json"))
        #expect(!config.isWorkflowPath("workflows-old/a.yaml"), "a directory name prefix is not the directory")
        #expect(!config.isWorkflowPath("a.yaml"))
        #expect(!config.isWorkflowPath("ops/a.yaml"))
        #expect(!config.isWorkflowPath("workflows"))
        let root = RepoConfig(workflowDirectories: [""])
        #expect(root.isWorkflowPath("a.yaml"))
        #expect(root.isWorkflowPath("sub/b.yml"))
    }

    @Test func serverWithBothCommandAndURLIsRefused() {
        let (config, problems) = Self.load(
            """
            servers:
              both: { command: [x], url: "https://x.example" }
            """)
        #expect(problems == ["invalid-value 2:9"])
        #expect(config.servers.isEmpty)
    }

    @Test(arguments: [
        ("servers:\n  s: { env: {A: b} }", ["missing-key 2:6"]),
        ("servers:\n  s: { command: [] }", ["invalid-value 2:17"]),
        ("servers:\n  s: { url: ftp://x }", ["invalid-value 2:13"]),
        ("servers:\n  s: { url: \"https://x\", headers: {A: \"{{ \"} }", ["expression-syntax 2:40"]),
        ("servers:\n  s: { command: [x], cwd: y }", ["unknown-key 2:22"]),
        ("servers:\n  bad name: { command: [x] }", ["invalid-id 2:3"]),
    ])
    func badServers(text: String, expected: [String]) {
        let (_, problems) = Self.load(text)
        #expect(problems == expected)
    }

    @Test func keysOfTheOtherServerKindAreRefusedAtTheKey() {
        let (config, headerProblems) = Self.load("servers:\n  s: { command: [x], headers: {A: b} }")
        let (_, envProblems) = Self.load("servers:\n  s: { url: \"https://x\", env: {A: b} }")
        // The server itself is still usable: the stray key is ignored.
        #expect(config.servers["s"] == .stdio(command: ["x"], env: [:]))
        #expect(headerProblems.map { $0.prefix("unknown-key".count) } == ["unknown-key"])
        #expect(envProblems.map { $0.prefix("unknown-key".count) } == ["unknown-key"])
        // Every other unknown-key diagnostic points at the key, as the message is about the key.
        #expect(headerProblems == ["unknown-key 2:22"])
        #expect(envProblems == ["unknown-key 2:26"])

    }

    @Test func verifyHeadNeedsSignersOrKeyring() {
        #expect(Self.load("verify: { mode: head }").1 == ["missing-key 1:9"])
        #expect(Self.load("verify: { mode: head, keyring: keys.gpg }").1 == [])
        #expect(Self.load("verify: { mode: none }").1 == [])
        let (_, problems) = WorkflowValidator.loadConfig(bytes: Array("verify: { mode: hed }".utf8))
        #expect(problems.map(\.rule) == [Rule.invalidValue])
        #expect(problems.first?.message.contains("did you mean 'head'") == true)
    }

    @Test func unknownKeysAreReportedWithSuggestions() {
        let (config, diagnostics) = WorkflowValidator.loadConfig(bytes: Array("workflow: [flows]\nbranch: main\n".utf8))
        #expect(diagnostics.map(\.rule) == [Rule.unknownKey])
        #expect(diagnostics.first?.position == SourcePosition(line: 1, column: 1))
        #expect(diagnostics.first?.message.contains("did you mean 'workflows'") == true)
        // The rest of the file is still read.
        #expect(config.branch == "main")
        #expect(config.workflowDirectories == ["workflows"])
    }

    @Test func wrongTypesAreReported() {
        #expect(Self.load("allow_empty: yes please").1 == ["type-mismatch 1:14"])
        #expect(Self.load("servers: [a]").1 == ["type-mismatch 1:10"])
        #expect(Self.load("- workflows").1 == ["type-mismatch 1:1"])
    }

    @Test func configServersDecideWhichMCPToolsValidate() {
        let text = "steps:\n  - { id: a, tool: mcp://notes/append }\n"
        let (config, _) = Self.load("servers:\n  notes: { command: [notes] }\n")
        #expect(validateWorkflow(text, config: config).diagnostics == [])
        let report = validateWorkflow(text, config: RepoConfig())
        #expect(summary(report) == ["unknown-server 2:26"])
        #expect(report.diagnostics.first?.message.contains("sire.yaml declares no servers") == true)
    }
}
