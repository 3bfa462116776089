import Foundation
import SireTestSupport
import Testing

/// `sire-git run` with steps on MCP servers written with the Python `mcp` package: one started
/// by sire-git over stdio from the repository's own files, one over Streamable HTTP.
@Suite("sire-git run with MCP tools", .serialized)
struct MCPRunTests {
    static let peer = MCPPeerServer.script

    private func repository(workflow: String, server: MCPPeerServer) async throws -> GitFixture {
        try await GitFixture.committed([
            "tools/mcp_peer.py": try String(contentsOfFile: Self.peer, encoding: .utf8),
            "sire.yaml": """
            servers:
              local: { command: ["\(TestPython.path)", tools/mcp_peer.py, stdio], env: { PEER_ENV: from-sire-yaml } }
              remote: { url: "\(server.url)", headers: { X-Token: "{{ secrets.TOKEN }}" } }

            """,
            "workflows/flow.yaml": workflow.replacingOccurrences(of: "URL", with: server.url),
        ])
    }

    private func steps(_ repo: GitFixture, _ run: SireBinary.Result) async throws -> [String: [String: Any]] {
        let id = try #require(try run.jsonObject()["id"] as? String, "\(run)")
        let shown = try await repo.sire("runs", "show", id, "--json").jsonObject()
        return try #require(shown["steps"] as? [String: [String: Any]])
    }

    @Test func stepsOnTwoServersPassOutputsAlongAndACrashedServerIsRestarted() async throws {
        let server = try await MCPPeerServer(json: false)
        let marker = NSTemporaryDirectory() + "mcp-run-crash-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: marker) }
        let repo = try await repository(
            workflow: """
                id: flow
                steps:
                  - id: first
                    tool: mcp://local/add
                    params: { a: 2, b: 3 }
                  - id: second
                    needs: [first]
                    tool: mcp://remote/add
                    params: { a: "{{ steps.first.output.sum }}", b: 10 }
                  - id: third
                    needs: [second]
                    tool: "mcp:URL#json_text"
                    params: { value: "total {{ steps.second.output.sum }}" }
                  - id: flaky
                    needs: [third]
                    tool: mcp://local/crash_once
                    params: { marker: "\(marker)" }
                    retry: { max_attempts: 3, initial_interval: 50ms }
                  - id: local_stats
                    needs: [flaky]
                    tool: mcp://local/stats
                  - id: remote_stats
                    needs: [third]
                    tool: mcp://remote/stats

                """, server: server)
        let run = try await SireBinary.run(
            ["run", "flow", "--json"], in: repo.root, environment: ["SIRE_SECRET_TOKEN": "s3cret"])
        #expect(run.status == 0, "\(run)")
        let steps = try await steps(repo, run)
        #expect((steps["second"]?["output"] as? [String: Any])?["sum"] as? Int == 15)
        #expect((steps["third"]?["output"] as? [String: Any])?["value"] as? String == "total 15")
        #expect(steps["flaky"]?["attempts"] as? Int == 2, "\(steps["flaky"] ?? [:])")
        #expect((steps["flaky"]?["output"] as? [String: Any])?["survived"] as? Bool == true)
        let local = try #require(steps["local_stats"]?["output"] as? [String: Any])
        #expect(local["env"] as? String == "from-sire-yaml")
        #expect((local["cwd"] as? String)?.contains("/mcp/") == true, "\(local)")
        // `remote` (with its header) and the bare URL are two sessions, each initialised once
        // however many calls it carries; the header carried the secret (redacted in the output).
        let remote = try #require(steps["remote_stats"]?["output"] as? [String: Any])
        #expect(remote["initializations"] as? Int == 2, "\(remote)")
        #expect(remote["token"] as? String == "***", "\(remote)")
    }

    @Test func aHungToolTimesOutAndAnIsErrorResultFailsItsStep() async throws {
        let server = try await MCPPeerServer(json: true)
        let repo = try await repository(
            workflow: """
                id: flow
                steps:
                  - id: hung
                    tool: mcp://local/sleep
                    params: { seconds: 60 }
                    timeout: 500ms
                    on_error: continue
                  - id: broken
                    tool: mcp://remote/fail
                    params: { message: the disk is full }
                    on_error: continue

                """, server: server)
        let start = Date()
        let run = try await repo.sire("run", "flow", "--json")
        #expect(Date().timeIntervalSince(start) < 30)
        let steps = try await steps(repo, run)
        #expect(steps["hung"]?["status"] as? String == "failed")
        #expect((steps["hung"]?["error"] as? String)?.contains("timed out") == true, "\(steps["hung"] ?? [:])")
        #expect(steps["broken"]?["status"] as? String == "failed")
        #expect(
            (steps["broken"]?["error"] as? String)?.contains("the disk is full") == true, "\(steps["broken"] ?? [:])")
        #expect(steps["broken"]?["attempts"] as? Int == 1)
    }

    @Test func serverCheckoutsUnusedForAnHourAreRemovedWhenANewOneIsMade() async throws {
        let repo = try await GitFixture.committed([
            "tools/mcp_peer.py": try String(contentsOfFile: Self.peer, encoding: .utf8),
            "sire.yaml": "servers:\n  local: { command: [\"\(TestPython.path)\", tools/mcp_peer.py, stdio] }\n",
            "workflows/flow.yaml": """
            id: flow
            steps:
              - id: first
                tool: mcp://local/add
                params: { a: 2, b: 3 }

            """,
        ])
        let root = repo.root + "/.git/sire/mcp"
        let stale = root + "/" + String(repeating: "a", count: 40)
        let recent = root + "/" + String(repeating: "b", count: 40)
        for directory in [stale, recent] {
            try FileManager.default.createDirectory(atPath: directory + "/tools", withIntermediateDirectories: true)
            try "x".write(toFile: directory + "/tools/file", atomically: true, encoding: .utf8)
        }
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(-7200)], ofItemAtPath: stale)
        let run = try await repo.sire("run", "flow")
        #expect(run.status == 0, "\(run)")
        let head = try await repo.git("rev-parse HEAD")
        #expect(FileManager.default.fileExists(atPath: root + "/" + head + "/tools/mcp_peer.py"))
        #expect(!FileManager.default.fileExists(atPath: stale), "an unused checkout stayed")
        #expect(FileManager.default.fileExists(atPath: recent), "a recently used checkout was removed")
    }
}
