import Foundation
import SireCore
import SireTestSupport
import SireTools
import Testing

@Suite("jsonrpc: tools against a real JSON-RPC peer")
struct JSONRPCTests {
    private func call(_ peer: HTTPPeer, _ method: String, _ params: Value) async throws(ToolError)
        -> Value
    {
        try await sharedDispatcher.call(
            ToolCall(
                tool: .jsonRPC(url: peer.url("/rpc"), method: method), params: params, runID: "r9",
                stepID: "rpc", attempt: 2, checkout: "/"))
    }

    private func failure(_ peer: HTTPPeer, _ method: String) async -> ToolError? {
        do {
            let output = try await call(peer, method, json("{}"))
            Issue.record("expected \(method) to fail, got \(output.jsonString())")
            return nil
        } catch {
            return error
        }
    }

    @Test("an object result is the output; the id is the idempotency key")
    func objectResult() async throws {
        let peer = try await HTTPPeer.shared
        let output = try await call(peer, "echo", json(#"{"x": [1, 2]}"#))
        #expect(output["params"] == json(#"{"x": [1, 2]}"#))
        #expect(output["id"] == .string("r9/rpc/2"))
        #expect(output["idempotency_key"] == .string("r9/rpc/2"))
    }

    @Test("a non-object result is wrapped as {result}")
    func scalarResult() async throws {
        let peer = try await HTTPPeer.shared
        let output = try await call(peer, "add", json(#"{"a": 2, "b": 40}"#))
        #expect(output == json(#"{"result": 42}"#))
    }

    @Test("a JSON-RPC error is a permanent failure with its code and message")
    func rpcError() async throws {
        let peer = try await HTTPPeer.shared
        let error = try #require(await failure(peer, "fail"))
        #expect(!error.transient)
        #expect(error.message.contains("JSON-RPC error -32000: the peer failed on purpose"))
        #expect(error.output?["data"] == json(#"{"hint": "none"}"#))
        let unknown = try #require(await failure(peer, "nope"))
        #expect(unknown.message.contains("-32601"))
    }

    @Test("HTTP 5xx is transient; a mismatched id is refused")
    func transportErrors() async throws {
        let peer = try await HTTPPeer.shared
        let crash = try #require(await failure(peer, "crash"))
        #expect(crash.transient)
        #expect(crash.message.contains("HTTP 500"))
        let wrongID = try #require(await failure(peer, "wrong-id"))
        #expect(wrongID.message.contains("does not match"))
    }

    @Test("a server that is down is a transient failure")
    func serverDown() async throws {
        let closed = try ClosedPort()
        defer { withExtendedLifetime(closed) {} }
        let port = closed.port
        do {
            _ = try await sharedDispatcher.call(
                ToolCall(
                    tool: .jsonRPC(url: "http://127.0.0.1:\(port)/rpc", method: "add"),
                    params: .null,
                    runID: "r", stepID: "s", attempt: 1, checkout: "/"))
            Issue.record("expected a failure")
        } catch {
            #expect(error.transient)
        }
    }
}
