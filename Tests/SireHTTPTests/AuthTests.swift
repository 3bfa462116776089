import AsyncHTTPClient
import Foundation
import NIOHTTP1
import SireController
import SireCore
import SireTestSupport
import Testing

@testable import SireHTTP

@Suite("Bearer tokens and roles")
struct AuthTests {
    static let tokens: [(APIRole, String)] = [
        (.viewer, "view-token-0123456789"), (.operator, "oper-token-0123456789"), (.admin, "admin-token-0123456789"),
    ]

    /// (method, path, lowest role allowed)
    static let endpoints: [(HTTPMethod, String, APIRole)] = [
        (.GET, "/v1/workflows", .viewer), (.GET, "/v1/workflows/greet", .viewer), (.GET, "/v1/runs", .viewer),
        (.POST, "/v1/workflows/greet/runs", .operator),
    ]

    @Test("each endpoint: no token 401, bad token 401, too low a role 403, enough 2xx")
    func roles() async throws {
        let api = try await APIFixture(files: ["workflows/greet.yaml": Workflows.greet], tokens: Self.tokens)
        let body = #"{"inputs":{"name":"ada"}}"#
        for (method, path, needed) in Self.endpoints {
            let send = method == .POST ? body : nil
            let none = try await api.request(method, path, body: send)
            #expect(none.status == 401, "\(path) without a token")
            #expect(none.errorCode == "unauthorized")
            #expect(none.headers["WWW-Authenticate"].first == "Bearer")
            let bad = try await api.request(method, path, body: send, token: "view-token-012345678X")
            #expect(bad.status == 401, "\(path) with a bad token")
            for (role, token) in Self.tokens {
                let reply = try await api.request(method, path, body: send, token: token)
                if role >= needed {
                    #expect((200..<300).contains(reply.status), "\(path) as \(role): \(reply.status) \(reply.text)")
                } else {
                    #expect(reply.status == 403, "\(path) as \(role)")
                    #expect(reply.errorCode == "forbidden")
                }
            }
        }
        // Only the operator and admin requests started runs.
        #expect(try api.runCount() == 2)
        let run = try #require(
            try api.controller.runtime.store.snapshot { tx in try tx.runs(limit: 1) }.first)
        let viewerCancel = try await api.request(.POST, "/v1/runs/\(run.id)/cancel", token: "view-token-0123456789")
        #expect(viewerCancel.status == 403)
        let viewerRerun = try await api.request(.POST, "/v1/runs/\(run.id)/rerun", token: "view-token-0123456789")
        #expect(viewerRerun.status == 403)
        let viewerEvents = try await api.request(.GET, "/v1/runs/\(run.id)/events", token: "view-token-0123456789")
        #expect(viewerEvents.status == 200)
        let malformed = try await api.request(.GET, "/v1/runs", headers: [("Authorization", "Basic abc")])
        #expect(malformed.status == 401)
        await api.stop()
    }

    @Test("health, readiness and metrics need no token")
    func openEndpoints() async throws {
        let api = try await APIFixture(files: ["workflows/greet.yaml": Workflows.greet], tokens: Self.tokens)
        for path in ["/healthz", "/readyz", "/metrics"] {
            #expect(try await api.request(.GET, path).status == 200, "\(path)")
        }
        await api.stop()
    }

    @Test("tokens load from a 0600 file and from SIRE_API_TOKENS; a readable file is refused")
    func loading() throws {
        let directory = NSTemporaryDirectory() + "sire-tokens-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/tokens"
        try "# who may do what\nviewer   v-secret\n\nadmin\ta-secret\n".write(
            toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        var tokens = APITokens()
        try tokens.add(file: path)
        try tokens.add(environment: "operator:o-secret, viewer:v2")
        #expect(tokens.count == 4)
        #expect(tokens.role(of: "v-secret") == .viewer)
        #expect(tokens.role(of: "a-secret") == .admin)
        #expect(tokens.role(of: "o-secret") == .operator)
        #expect(tokens.role(of: "o-secre") == nil)
        #expect(tokens.role(of: "") == nil)

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        var open = APITokens()
        #expect(throws: HTTPConfigurationError.self) { try open.add(file: path) }
        var badRole = APITokens()
        do {
            try badRole.add(environment: "root:supersecret")
            Issue.record("an unknown role was accepted")
        } catch {
            #expect(!error.message.contains("supersecret"), "the error must not echo the token")
        }
    }

    @Test("the controller's configuration comes from --listen, --tokens and the environment")
    func configurationFromEnvironment() throws {
        let configuration = try HTTPConfiguration.make(
            listen: "0.0.0.0:8080",
            environment: [
                "SIRE_API_TOKENS": "admin:a1", "SIRE_HOOK_SECRET": "all", "SIRE_HOOK_SECRET_GITLAB": "gl",
            ])
        #expect(configuration.host == "0.0.0.0" && configuration.port == 8080)
        #expect(!configuration.isLoopback)
        #expect(configuration.tokens.role(of: "a1") == .admin)
        #expect(configuration.hookSecrets.github == "all")
        #expect(configuration.hookSecrets.gitlab == "gl")
        let plain = try HTTPConfiguration.make(environment: [:])
        #expect(plain.host == "127.0.0.1" && plain.port == 7700)
        #expect(plain.tokens.isEmpty && plain.hookSecrets.isEmpty)
    }
}

@Suite("Logs")
struct LogTests {
    @Test("every request's log lines carry its request id; tokens and hook secrets never appear")
    func requestIDsAndNoSecrets() async throws {
        let logs = LogCapture()
        let api = try await APIFixture(
            files: ["workflows/greet.yaml": Workflows.greet], tokens: [(.admin, "tok-SECRET-123")], logs: logs
        ) { configuration in
            configuration.hookSecrets = HookSecrets(all: "hook-SECRET-456")
        }
        _ = try await api.request(
            .POST, "/v1/workflows/greet/runs", body: #"{"inputs":{"name":"x"}}"#,
            headers: [("X-Request-Id", "trace-me-1")],
            token: "tok-SECRET-123")
        _ = try await api.request(.GET, "/v1/runs", headers: [("X-Request-Id", "trace-me-2")], token: "tok-SECRET-12")
        _ = try await api.request(
            .POST, "/v1/hooks/git", body: "{}",
            headers: [("X-Request-Id", "trace-me-3"), ("X-Gitlab-Token", "hook-SECRET-45")])
        await api.stop()
        let lines = logs.all
        for id in ["trace-me-1", "trace-me-2", "trace-me-3"] {
            let mine = lines.filter { $0.contains("request.id=\(id)") }
            #expect(mine.contains { $0.contains(" request ") }, "a request line for \(id)")
        }
        #expect(lines.filter { $0.contains("request.id=trace-me-1") }.count >= 2, "the handler's own line too")
        #expect(!lines.contains { $0.contains("SECRET") })
    }
}

/// Without tokens the API trusts clients on this machine: a web page in a browser there must
/// not borrow that trust (DNS rebinding, cross-site posts), on the REST routes and on /mcp.
@Suite("no tokens: only requests a web page cannot forge")
struct LocalRequestTests {
    static let initialize =
        #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#

    @Test func foreignHostsOriginsAndNonJSONBodiesAreRefused() async throws {
        let api = try await APIFixture(files: ["workflows/greet.yaml": Workflows.greet])
        let run = "/v1/workflows/greet/runs"
        let accept = ("Accept", "application/json, text/event-stream")

        let rebound = try await api.request(.GET, "/v1/runs", headers: [("Host", "attacker.example:\(api.port)")])
        #expect(rebound.status == 403, "\(rebound.text)")
        let lookalike = try await api.request(
            .POST, "/mcp", body: Self.initialize, headers: [("Host", "localhost.evil.example"), accept])
        #expect(lookalike.status == 403, "\(lookalike.text)")
        let crossSite = try await api.request(.POST, run, body: "{}", headers: [("Origin", "https://evil.example")])
        #expect(crossSite.status == 403, "\(crossSite.text)")
        let nullOrigin = try await api.request(.POST, run, body: "{}", headers: [("Origin", "null")])
        #expect(nullOrigin.status == 403, "\(nullOrigin.text)")
        let form = try await api.request(.POST, run, body: "{}", headers: [("Content-Type", "text/plain")])
        #expect(form.status == 415, "\(form.text)")
        #expect(form.errorCode == "unsupported_media_type")
        #expect(try api.runCount() == 0)

        // This machine's own clients, as curl or a local page would send them.
        let local = try await api.request(
            .POST, run, body: #"{"inputs":{"name":"local"}}"#,
            headers: [("Host", "localhost:\(api.port)"), ("Origin", "http://127.0.0.1:\(api.port)")])
        #expect(local.status == 201, "\(local.text)")
        let bare = try await api.request(.GET, "/v1/runs", headers: [("Host", "[::1]:\(api.port)")])
        #expect(bare.status == 200, "\(bare.text)")
        let session = try await api.request(.POST, "/mcp", body: Self.initialize, headers: [accept])
        #expect(session.status == 200, "\(session.text)")
        await api.stop()
    }

    @Test func withTokensAForeignHostIsJudgedByItsToken() async throws {
        let api = try await APIFixture(files: ["workflows/greet.yaml": Workflows.greet], tokens: AuthTests.tokens)
        let token = try #require(AuthTests.tokens.first { $0.0 == .viewer }?.1)
        let reply = try await api.request(
            .GET, "/v1/runs", headers: [("Host", "sire.example.com"), ("Origin", "https://dash.example.com")],
            token: token)
        #expect(reply.status == 200, "\(reply.text)")
        await api.stop()
    }
}
