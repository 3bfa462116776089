public import AsyncHTTPClient
public import SireCore

/// Routes every tool call by its URI: built-ins in process, JSON-RPC over HTTP, MCP through an
/// injected invoker.
///
/// Owns one `HTTPClient` so connections are reused across steps and runs; call ``shutdown()``
/// once no call is in flight.
public struct Dispatcher: ToolInvoker {
    /// The shared HTTP client: `http.request` and JSON-RPC both use it.
    public let httpClient: HTTPClient
    private let builtins: BuiltinTools
    private let jsonRPC: JSONRPCClient
    private let mcp: (any ToolInvoker)?

    /// Creates a dispatcher with its own HTTP client; `mcp` handles `mcp:` and `mcp://` tools.
    public init(mcp: (any ToolInvoker)? = nil) {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .follow(max: 5, allowCycles: false)
        configuration.timeout = .init(connect: .seconds(10))
        // A refused connection should fail the call now, as a transient error the engine's
        // retry policy (with its backoff) handles, not be retried silently until the deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        self.httpClient = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: configuration)
        self.builtins = BuiltinTools(httpClient: httpClient)
        self.jsonRPC = JSONRPCClient(httpClient: httpClient)
        self.mcp = mcp
    }

    /// Performs the call with the tool family its URI names.
    public func call(_ call: ToolCall) async throws(ToolError) -> Value {
        switch call.tool {
        case .local:
            return try await builtins.call(call)
        case .jsonRPC:
            return try await jsonRPC.call(call)
        case .mcpURL, .mcpServer:
            guard let mcp else {
                throw ToolError("\(call.tool): MCP tools are not supported yet")
            }
            return try await mcp.call(call)
        }
    }

    /// Closes the HTTP client's connections. Call it once, after the last call has finished.
    public func shutdown() async {
        try? await httpClient.shutdown()
    }
}
