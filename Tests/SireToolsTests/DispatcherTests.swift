import SireCore
import SireTools
import Testing

/// A stand-in MCP family that records what reached it.
private struct RecordingInvoker: ToolInvoker {
    func call(_ call: ToolCall) async throws(ToolError) -> Value {
        .object(["routed": .string(call.tool.description), "key": .string(call.idempotencyKey)])
    }
}

@Suite("Dispatcher")
struct DispatcherTests {
    private func call(_ dispatcher: Dispatcher, _ uri: String) async throws -> Value {
        try await dispatcher.call(
            ToolCall(
                tool: try ToolReference.parse(uri), params: .object([:]), runID: "r", stepID: "s",
                attempt: 1, checkout: "/"))
    }

    @Test(
        "MCP tools fail clearly without an MCP invoker",
        arguments: ["mcp://search/upload", "mcp:http://127.0.0.1:1/mcp#t"])
    func mcpUnsupported(uri: String) async throws {
        do {
            _ = try await call(sharedDispatcher, uri)
            Issue.record("expected a failure")
        } catch let error as ToolError {
            #expect(error.message.contains("MCP tools are not supported yet"))
            #expect(!error.transient)
        }
    }

    @Test("MCP tools go to the injected invoker; built-ins stay in process")
    func mcpInjected() async throws {
        let dispatcher = Dispatcher(mcp: RecordingInvoker())
        let routed = try await call(dispatcher, "mcp://search/upload")
        #expect(
            routed == .object(["routed": .string("mcp://search/upload"), "key": .string("r/s/1")]))
        let logged = try await dispatcher.call(
            ToolCall(
                tool: .local("log.write"), params: json(#"{"message": "hi"}"#), runID: "r",
                stepID: "s",
                attempt: 1, checkout: "/"))
        #expect(logged["message"] == .string("hi"))
        await dispatcher.shutdown()
    }

    @Test("an unknown built-in is a permanent failure with a suggestion")
    func unknownBuiltin() async throws {
        let error = try #require(await expectFailure("file.raed", json(#"{}"#)))
        #expect(error.message.contains("unknown built-in tool 'sire:local/file.raed'"))
        #expect(error.message.contains("did you mean 'file.read'?"))
        #expect(!error.transient)
    }
}
