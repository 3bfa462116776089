import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SireController
import SireCore
import SireTestSupport
import Testing

@testable import SireHTTP

/// `/mcp` on the controller's listener: the same tools as `sire-git mcp`, over Streamable
/// HTTP, acting on the controller's deployed workflows, driven by the Python `mcp` client.
@Suite("MCP over HTTP at /mcp")
struct MCPEndpointTests {
    private func client(_ api: APIFixture, token: String? = nil, _ operations: String) async throws -> [[String: Any]] {
        var arguments = ["http", "http://127.0.0.1:\(api.port)/mcp"]
        if let token { arguments += ["--token", token] }
        return try await MCPClientPeer.run(arguments, operations: operations, in: api.git.root)
    }

    private func structured(_ result: [String: Any]) throws -> [String: Any] {
        #expect(result["isError"] as? Bool == false, "\(result)")
        return try #require(result["structured"] as? [String: Any], "\(result)")
    }

    @Test func toolsActOnTheDeployedWorkflows() async throws {
        let api = try await APIFixture(files: [
            "workflows/greet.yaml": Workflows.greet, "workflows/scheduled.yaml": Workflows.scheduled,
        ])
        let head = try await api.git.git("rev-parse HEAD")
        let results = try await client(
            api,
            """
            [{"op": "list"},
             {"op": "call", "tool": "list_workflows"},
             {"op": "call", "tool": "run_workflow",
              "args": {"workflow": "greet", "inputs": {"name": "ada"}, "wait_seconds": 20}, "progress": true},
             {"op": "call", "tool": "run_workflow", "args": {"workflow": "scheduled"}},
             {"op": "call", "tool": "run_workflow", "args": {"workflow": "greet"}},
             {"op": "call", "tool": "run_workflow", "args": {"workflow": "greet", "rev": "HEAD"}},
             {"op": "call", "tool": "commit_status"},
             {"op": "call", "tool": "run_workflow",
              "args": {"workflow": "greet", "inputs": {"name": "ada"}, "idempotency_key": "k-1"}},
             {"op": "call", "tool": "run_workflow",
              "args": {"workflow": "greet", "inputs": {"name": "ada"}, "idempotency_key": "k-1"}}]
            """)
        let tools = try #require(results[0]["tools"] as? [[String: Any]])
        let run = try #require(tools.first { $0["name"] as? String == "run_workflow" })
        let properties = try #require((run["inputSchema"] as? [String: Any])?["properties"] as? [String: Any])
        #expect(
            Set(properties.keys) == ["workflow", "inputs", "wait_seconds", "idempotency_key"],
            "the controller runs what is deployed")
        let listed = try structured(results[1])
        #expect(listed["commit"] as? String == head)
        let greet = try #require((listed["workflows"] as? [[String: Any]])?.first { $0["id"] as? String == "greet" })
        let deployment = try #require(greet["deployment"] as? [String: Any])
        #expect(deployment["live"] as? Bool == true)
        #expect(deployment["this_version"] as? Bool == true)
        let finished = try structured(results[2])
        #expect(finished["status"] as? String == "succeeded", "\(finished)")
        #expect((finished["trigger"] as? [String: Any])?["type"] as? String == "mcp")
        #expect(finished["commit"] as? String == head)
        #expect(results[3]["isError"] as? Bool == true)
        #expect((results[3]["text"] as? String)?.contains("has no http trigger") == true, "\(results[3])")
        #expect(results[4]["isError"] as? Bool == true)
        #expect((results[4]["text"] as? String)?.contains("name") == true, "\(results[4])")
        #expect((results[5]["text"] as? String)?.contains("unknown argument 'rev'") == true, "\(results[5])")
        let status = try structured(results[6])
        #expect((status["commit"] as? [String: Any])?["sha"] as? String == head)
        let keyed = try structured(results[7])
        let retried = try structured(results[8])
        #expect(keyed["launch"] as? String == "started")
        #expect(retried["launch"] as? String == "existing")
        #expect(retried["id"] as? String == keyed["id"] as? String)
        #expect(try api.runCount() == 2, "one run for the valid call, one for the key used twice")
        await api.stop()
    }

    @Test func aClientStartsAndWatchesARun() async throws {
        let api = try await APIFixture(files: ["workflows/slow.yaml": Workflows.slow])
        let results = try await client(
            api,
            """
            [{"op": "call", "tool": "run_workflow", "args": {"workflow": "slow"}},
             {"op": "watch", "poll": 0.1}]
            """)
        let started = try structured(results[0])
        #expect(started["launch"] as? String == "started")
        let final = try #require(results[1]["final"] as? [String: Any])
        #expect(final["status"] as? String == "succeeded", "\(final)")
        #expect((results[1]["polls"] as? Int ?? 0) >= 2, "the run was followed while it ran")
        let events = try #require(results[1]["events"] as? [[String: Any]])
        let messages = events.compactMap { ($0["data"] as? [String: Any])?["message"] as? String }
        #expect(messages.contains("first line"))
        #expect(messages.contains { $0.contains("from-shell") }, "\(messages)")
        #expect(events.last?["kind"] as? String == "run.finished")
        await api.stop()
    }

    @Test func theOperatorRoleIsNeededToStartOrCancelRuns() async throws {
        let api = try await APIFixture(
            files: ["workflows/greet.yaml": Workflows.greet],
            tokens: [(.viewer, "viewer-token-0123456789"), (.operator, "operator-token-0123456789")])
        let asViewer = try await client(
            api, token: "viewer-token-0123456789",
            """
            [{"op": "call", "tool": "list_workflows"},
             {"op": "call", "tool": "run_workflow", "args": {"workflow": "greet", "inputs": {"name": "x"}}},
             {"op": "call", "tool": "cancel_run", "args": {"run": "whatever"}}]
            """)
        _ = try structured(asViewer[0])
        #expect((asViewer[1]["text"] as? String)?.contains("needs the operator role") == true, "\(asViewer[1])")
        #expect((asViewer[2]["text"] as? String)?.contains("needs the operator role") == true, "\(asViewer[2])")
        #expect(try api.runCount() == 0)
        let asOperator = try await client(
            api, token: "operator-token-0123456789",
            #"[{"op": "call", "tool": "run_workflow", "args": {"workflow": "greet", "inputs": {"name": "x"}}}]"#)
        _ = try structured(asOperator[0])
        #expect(try api.runCount() == 1)
        let anonymous = try await api.request(
            .POST, "/mcp", body: Self.initialize, headers: [("Accept", "application/json, text/event-stream")])
        #expect(anonymous.status == 401)
        await api.stop()
    }

    static let initialize = """
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18",
         "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}}
        """

    @Test func sessionsAreEnforcedAndARoleHeaderFromTheClientIsIgnored() async throws {
        let api = try await APIFixture(
            files: ["workflows/greet.yaml": Workflows.greet], tokens: [(.viewer, "viewer-token-0123456789")])
        let token = "viewer-token-0123456789"
        let accept = ("Accept", "application/json, text/event-stream")
        let noSession = try await api.request(
            .POST, "/mcp", body: #"{"jsonrpc": "2.0", "id": 2, "method": "tools/list"}"#, headers: [accept],
            token: token)
        #expect(noSession.status == 400, "\(noSession.text)")
        let unknown = try await api.request(
            .POST, "/mcp", body: #"{"jsonrpc": "2.0", "id": 2, "method": "tools/list"}"#,
            headers: [accept, ("Mcp-Session-Id", "no-such-session")], token: token)
        #expect(unknown.status == 404, "\(unknown.text)")
        // A viewer claiming to be admin in the header the server uses internally.
        let spoof = ("X-Sire-Authenticated-Role", "admin")
        let opened = try await api.request(
            .POST, "/mcp", body: Self.initialize, headers: [accept, spoof], token: token)
        #expect(opened.status == 200, "\(opened.text)")
        #expect(opened.text.contains("sire-git"))
        let session = try #require(opened.headers["Mcp-Session-Id"].first)
        let headers = [accept, spoof, ("Mcp-Session-Id", session), ("MCP-Protocol-Version", "2025-06-18")]
        let initialized = try await api.request(
            .POST, "/mcp", body: #"{"jsonrpc": "2.0", "method": "notifications/initialized"}"#, headers: headers,
            token: token)
        #expect(initialized.status == 202)
        let call = try await api.request(
            .POST, "/mcp",
            body: """
                {"jsonrpc": "2.0", "id": 3, "method": "tools/call",
                 "params": {"name": "run_workflow", "arguments": {"workflow": "greet", "inputs": {"name": "x"}}}}
                """, headers: headers, token: token)
        #expect(call.status == 200)
        #expect(call.text.contains("needs the operator role"), "\(call.text)")
        #expect(call.text.contains(#""isError":true"#), "\(call.text)")
        #expect(try api.runCount() == 0)
        let closed = try await api.request(.DELETE, "/mcp", headers: headers, token: token)
        #expect(closed.status == 200)
        let after = try await api.request(
            .POST, "/mcp", body: #"{"jsonrpc": "2.0", "id": 4, "method": "tools/list"}"#, headers: headers,
            token: token)
        #expect(after.status == 404)
        await api.stop()
    }

    @Test func shutdownEndsAnOpenSessionStream() async throws {
        let api = try await APIFixture(files: ["workflows/greet.yaml": Workflows.greet])
        let accept = ("Accept", "application/json, text/event-stream")
        let opened = try await api.request(.POST, "/mcp", body: Self.initialize, headers: [accept])
        let session = try #require(opened.headers["Mcp-Session-Id"].first)
        let headers = [
            ("Accept", "text/event-stream"), ("Mcp-Session-Id", session), ("MCP-Protocol-Version", "2025-06-18"),
        ]
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(api.port)/mcp")
        request.method = .GET
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await APIFixture.client.execute(request, timeout: .seconds(30))
        #expect(response.status == .ok)
        let reading = Task { try await response.body.collect(upTo: 1 << 20) }
        try await Task.sleep(for: .milliseconds(200))
        let started = ContinuousClock.now
        await api.stop()
        _ = try? await reading.value
        // An open stream would be held until the session idles out (30 minutes).
        #expect(ContinuousClock.now - started < .seconds(120), "the open stream held the shutdown")
    }
}
