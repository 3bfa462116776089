import SireCore
import SireMCP

/// A call of `mcp://peer/TOOL`, resolved by ``invoker(for:)`` to the peer.
func peerCall(_ tool: String, _ params: Value = .object([:]), timeout: Duration? = nil, attempt: Int = 1) -> ToolCall {
    ToolCall(
        tool: .mcpServer(name: "peer", tool: tool), params: params, runID: "run", stepID: "step", attempt: attempt,
        checkout: "/nonexistent", timeout: timeout)
}

/// An invoker whose only named server, `peer`, is `peer`.
func invoker(for peer: MCPPeer) -> MCPToolInvoker {
    let endpoint = peer.endpoint
    return MCPToolInvoker { name, _ throws(ToolError) in
        guard name == "peer" else { throw ToolError("no server \(name)") }
        return endpoint
    }
}

/// The error a call fails with, or nil if it succeeds.
func failure(of work: () async throws(ToolError) -> Value) async -> ToolError? {
    do {
        _ = try await work()
        return nil
    } catch {
        return error
    }
}
