public import AsyncHTTPClient
public import Logging
import MCP
public import SireCore

/// Performs `mcp:URL#TOOL` and `mcp://NAME/TOOL` calls with the MCP Swift SDK's `Client`.
///
/// Keeps one initialised session per server, reused across steps and runs and restarted when
/// it dies. A broken connection is a transient `ToolError` (the engine retries it); an
/// `isError` result fails the step with the server's text. Call ``shutdown()`` once no call is
/// in flight, to stop the stdio servers.
public struct MCPToolInvoker: ToolInvoker {
    /// Finds the server `mcp://NAME/…` names for this call (the run's `sire.yaml`).
    public typealias Resolver = @Sendable (_ name: String, _ call: ToolCall) async throws(ToolError) -> MCPEndpoint

    let pool: MCPSessionPool
    private let resolver: Resolver?

    /// Creates an invoker; without a `resolver`, only `mcp:URL#TOOL` tools work.
    ///
    /// - Parameters:
    ///   - httpClient: carries Streamable-HTTP traffic; the caller owns its lifetime. The
    ///     default is a process-wide client that fails refused connections at once.
    ///   - startupLimit: longest wait for a server to start and answer `initialize`.
    ///   - idleLimit: a session no call has used for this long is closed.
    public init(
        httpClient: HTTPClient = MCPToolInvoker.sharedHTTPClient, startupLimit: Duration = .seconds(30),
        idleLimit: Duration = .seconds(600),
        logger: Logger = Logger(label: "sire.mcp"), resolver: Resolver? = nil
    ) {
        self.pool = MCPSessionPool(
            httpClient: httpClient, startupLimit: startupLimit, idleLimit: idleLimit, logger: logger)
        self.resolver = resolver
    }

    /// A client for every invoker that is not given one, never shut down (like
    /// `HTTPClient.shared`), but one that does not retry a refused connection until the
    /// request's deadline: a server that is down is a transient error now, for the engine's
    /// retry policy to handle.
    public static let sharedHTTPClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// Calls the tool on its server; the output is `structuredContent`, else the text content
    /// parsed as a JSON object, else `{text}`.
    public func call(_ call: ToolCall) async throws(ToolError) -> SireCore.Value {
        let endpoint: MCPEndpoint
        let tool: String
        switch call.tool {
        case .mcpURL(let url, let name):
            endpoint = .http(url: url, headers: [:])
            tool = name
        case .mcpServer(let server, let name):
            guard let resolver else { throw ToolError("\(call.tool): no MCP servers are configured") }
            endpoint = try await resolver(server, call)
            tool = name
        default:
            throw ToolError("\(call.tool) is not an MCP tool")
        }
        let arguments: [String: MCP.Value]
        switch call.params {
        case .object(let fields): arguments = fields.mapValues(\.mcpValue)
        case .null: arguments = [:]
        default: throw ToolError("\(call.tool): params must be an object")
        }
        let meta = Metadata(additionalFields: ["sire-git/idempotency-key": .string(call.idempotencyKey)])
        let (pool, reference) = (self.pool, call.tool)
        let result: CallTool.Result
        do {
            result = try await Self.withDeadline(call.timeout) {
                // Starting the server counts against the step's time too.
                let session = try await pool.session(for: endpoint)
                do {
                    return try await session.callTool(tool, arguments: arguments, meta: meta)
                } catch {
                    throw Self.toolError(error, tool: reference, session: session)
                }
            }
        } catch let error as ToolError {
            throw error
        } catch {
            throw Self.toolError(error, tool: reference, session: nil)
        }
        if result.isError == true {
            let text = result.text
            throw ToolError(text.isEmpty ? "\(call.tool) failed" : text, output: .object(["text": .string(text)]))
        }
        return result.stepOutput
    }

    /// Stops every server and closes every session.
    public func shutdown() async {
        await pool.shutdown()
    }

    /// How many sessions have been started (one per server, plus one per restart).
    public var sessionStarts: Int {
        get async { await pool.starts }
    }

    /// Runs `work`, cancelling it (which cancels the call on the server) when `limit` passes.
    static func withDeadline<T: Sendable>(
        _ limit: Duration?, _ work: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let (result, timedOut) = await withTimeout(limit) { () async -> Result<T, any Error> in
            do { return .success(try await work()) } catch { return .failure(error) }
        }
        if timedOut, let limit { throw MCPCallTimeout(limit: limit) }
        return try result.get()
    }

    private static func toolError(_ error: any Error, tool: ToolReference, session: MCPSession?) -> ToolError {
        // A dead connection explains every other symptom (cancelled or disconnected requests).
        if let reason = session?.closedReason {
            return ToolError("\(tool): \(reason)", transient: true)
        }
        switch error {
        case let error as MCPTransportError:
            return ToolError("\(tool): \(error.message)", transient: true)
        case let error as MCPCallTimeout:
            return ToolError("\(tool): timed out after \(DurationText.format(error.limit))", transient: true)
        case is CancellationError:
            return ToolError("\(tool): cancelled")
        case let error as MCPError:
            return ToolError("\(tool): \(error.localizedDescription)")
        default:
            return ToolError("\(tool): \(error)", transient: true)
        }
    }
}
