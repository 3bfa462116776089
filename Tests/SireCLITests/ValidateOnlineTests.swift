import Foundation
import SireTestSupport
import Testing

/// `sire-git validate --online` against MCP servers written with the Python `mcp` package,
/// one started over stdio from the repository's files, one over Streamable HTTP.
@Suite("sire-git validate --online", .serialized)
struct ValidateOnlineTests {
    private func repository(_ workflow: String, url: String, starts: String) async throws -> GitFixture {
        try await GitFixture.committed([
            "tools/mcp_peer.py": try String(contentsOfFile: MCPRunTests.peer, encoding: .utf8),
            "sire.yaml": """
            servers:
              local: { command: ["\(TestPython.path)", tools/mcp_peer.py, stdio], env: { PEER_STARTS: "\(starts)" } }
              missing: { command: [/nonexistent/mcp-server] }
              remote: { url: "\(url)", headers: { X-Token: "{{ secrets.TOKEN }}" } }

            """,
            "workflows/flow.yaml": workflow.replacingOccurrences(of: "URL", with: url),
        ])
    }

    private func startsFile() -> String {
        NSTemporaryDirectory() + "validate-online-\(UUID().uuidString)"
    }

    @Test func aMisspelledToolAndAWrongTypedParamAreReportedAtTheirPositions() async throws {
        let server = try await MCPPeerServer(json: false)
        let starts = startsFile()
        defer { try? FileManager.default.removeItem(atPath: starts) }
        let repo = try await repository(
            """
            id: flow
            steps:
              - id: typo
                tool: mcp://local/ehco
                params: { text: hi }
              - id: wrong
                tool: "mcp:URL#add"
                params: { a: two, b: 3 }
              - id: named
                tool: mcp://remote/add
                params: { b: 1.5 }

            """, url: server.url, starts: starts)
        let secret = ["SIRE_SECRET_TOKEN": "s3cret"]
        let result = try await SireBinary.run(["validate", "--online"], in: repo.root, environment: secret)
        #expect(result.status == 1, "\(result)")
        let lines = diagnosticLines(result.stdout)
        #expect(
            lines.contains {
                $0.hasPrefix("workflows/flow.yaml:4:23: error:") && $0.contains("did you mean 'echo'?")
                    && $0.hasSuffix("[unknown-mcp-tool]")
            }, "\(result)")
        #expect(
            lines.contains {
                $0.hasPrefix("workflows/flow.yaml:8:18: error:") && $0.contains("'a' must be an integer")
                    && $0.hasSuffix("[mcp-param-schema]")
            }, "\(result)")
        // The named HTTP server: a float for an integer, and a missing required param.
        #expect(
            lines.contains {
                $0.hasPrefix("workflows/flow.yaml:11:18: error:") && $0.contains("'b' must be an integer")
            },
            "\(result)")
        #expect(
            lines.contains {
                $0.hasPrefix("workflows/flow.yaml:11:13: error:") && $0.contains("missing required param 'a'")
            },
            "\(result)")
        #expect(lines.count == 4, "\(result)")

        let sarif = try await SireBinary.run(
            ["validate", "--online", "--format", "sarif"], in: repo.root, environment: secret)
        #expect(sarif.status == 1)
        #expect(sarif.stdout.contains("unknown-mcp-tool") && sarif.stdout.contains("mcp-param-schema"))
    }

    @Test func aCorrectWorkflowAtARevisionPassesAndEachServerStartsOnce() async throws {
        let server = try await MCPPeerServer(json: true)
        let starts = startsFile()
        defer { try? FileManager.default.removeItem(atPath: starts) }
        let repo = try await repository(
            """
            id: flow
            steps:
              - id: first
                tool: mcp://local/add
                params: { a: 2, b: 3 }
              - id: second
                needs: [first]
                tool: mcp://local/add
                params: { a: "{{ steps.first.output.sum }}", b: 2.0 }
              - id: third
                needs: [second]
                tool: "mcp:URL#echo"
                params: { text: "sum {{ steps.second.output.sum }}" }

            """, url: server.url, starts: starts)
        let result = try await repo.sire("validate", "--online", "--rev", "HEAD", "--json")
        #expect(result.status == 0, "\(result)")
        #expect(try result.jsonObject()["valid"] as? Bool == true)
        // Two steps, one server: started once.
        let started = (try? String(contentsOfFile: starts, encoding: .utf8)) ?? ""
        #expect(started.split(separator: "\n").count == 1, "\(started)")
    }

    @Test func anUnreachableServerIsAWarningAndOfflineValidationStartsNoServer() async throws {
        let starts = startsFile()
        defer { try? FileManager.default.removeItem(atPath: starts) }
        let repo = try await repository(
            """
            id: flow
            steps:
              - id: gone
                tool: "mcp:http://127.0.0.1:1/mcp#add"
                params: { a: 1, b: 2 }
              - id: absent
                tool: mcp://missing/add
              - id: fine
                tool: mcp://local/add
                params: { a: 1, b: 2 }

            """, url: "http://127.0.0.1:1/mcp", starts: starts)
        let offline = try await repo.sire("validate")
        #expect(offline.status == 0, "\(offline)")
        #expect(!FileManager.default.fileExists(atPath: starts), "validate without --online started a server")

        let online = try await repo.sire("validate", "--online")
        #expect(online.status == 0, "\(online)")
        let lines = diagnosticLines(online.stdout)
        #expect(
            lines.contains {
                $0.hasPrefix("workflows/flow.yaml:4:39: warning:") && $0.hasSuffix("[mcp-server-unreachable]")
            }, "\(online)")
        #expect(
            lines.contains {
                $0.hasPrefix("workflows/flow.yaml:7:25: warning:") && $0.contains("mcp://missing")
                    && $0.hasSuffix("[mcp-server-unreachable]")
            }, "\(online)")
        #expect(lines.count == 2, "\(online)")
        #expect(FileManager.default.fileExists(atPath: starts))
    }

    @Test func checkOnlineFailsOnlyOnServerProblemsTheChangeIntroduces() async throws {
        let starts = startsFile()
        defer { try? FileManager.default.removeItem(atPath: starts) }
        let repo = try await GitFixture.committed([
            "tools/mcp_peer.py": try String(contentsOfFile: MCPRunTests.peer, encoding: .utf8),
            "sire.yaml":
                "servers:\n  local: { command: [\"\(TestPython.path)\", tools/mcp_peer.py, stdio], env: { PEER_STARTS: \"\(starts)\" } }\n",
            "workflows/old.yaml": """
            id: old
            steps:
              - id: stale
                tool: mcp://local/gone

            """,
            "workflows/flow.yaml": """
            id: flow
            steps:
              - id: say
                tool: mcp://local/echo
                params: { text: hi }

            """,
        ])
        try await repo.git("checkout -q -b feature")
        try repo.write(
            "workflows/flow.yaml",
            """
            id: flow
            steps:
              - id: say
                tool: mcp://local/ehco
                params: { text: hi }
              - id: sum
                tool: mcp://local/add
                params: { a: 1, b: two }

            """)
        try await repo.commit("typo")
        let offline = try await repo.sire("check", "--base", "main", "--head", "feature")
        #expect(offline.status == 0, "\(offline)")
        let online = try await repo.sire("check", "--base", "main", "--head", "feature", "--online")
        #expect(online.status == 1, "\(online)")
        let lines = diagnosticLines(online.stdout)
        #expect(
            lines.contains { $0.hasPrefix("workflows/flow.yaml:4:23: error:") && $0.hasSuffix("[unknown-mcp-tool]") },
            "\(online)")
        #expect(
            lines.contains { $0.hasPrefix("workflows/flow.yaml:8:24: error:") && $0.hasSuffix("[mcp-param-schema]") },
            "\(online)")
        // old.yaml calls a tool the server lacks at base too: not the change's problem.
        #expect(!lines.contains { $0.hasPrefix("workflows/old.yaml") }, "\(online)")
    }
}
