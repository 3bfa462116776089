import AsyncHTTPClient
import Foundation
import Logging
import MCP
import Synchronization

/// One initialised MCP client connection to one server, shared by every call to it.
///
/// The transport reports a dead connection through `onClose`; the session then fails its
/// pending calls at once (the SDK's client would wait for them forever) and the pool starts a
/// new session for the next call.
final class MCPSession: Sendable {
    let endpoint: MCPEndpoint
    let client: Client
    /// Why the connection died; nil while it is usable.
    private let state: Mutex<State>

    private struct State {
        var closedReason: String?
        var lastUsed: ContinuousClock.Instant
        var inFlight = 0
    }

    /// The environment every stdio server inherits from the controller; secrets are not in it.
    static let inheritedEnvironment = [
        "PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "SHELL", "TERM",
    ]

    private init(endpoint: MCPEndpoint, client: Client) {
        self.endpoint = endpoint
        self.client = client
        self.state = Mutex(State(lastUsed: .now))
    }

    /// Starts the server if it is a process, connects and runs the `initialize` handshake,
    /// giving up after `limit`.
    static func start(
        _ endpoint: MCPEndpoint, httpClient: HTTPClient, limit: Duration, logger: Logger
    ) async throws -> MCPSession {
        let client = Client(name: "sire-git", version: "1")
        let session = MCPSession(endpoint: endpoint, client: client)
        // The SDK logs a dead connection as an error of its own; ours says it better.
        var quiet = logger
        quiet.logLevel = .critical
        let onClose: @Sendable (String) -> Void = { [weak session] reason in session?.close(because: reason) }
        let transport: any Transport
        switch endpoint {
        case .stdio(let command, let extra, let directory, let isolation):
            var environment: [String: String] = [:]
            let current = ProcessInfo.processInfo.environment
            for name in inheritedEnvironment {
                if let value = current[name] { environment[name] = value }
            }
            environment["PATH"] = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
            environment.merge(extra) { _, new in new }
            transport = StdioProcessTransport(
                command: command, environment: environment, directory: directory, isolation: isolation, logger: quiet,
                onClose: onClose)
        case .http(let url, let headers):
            transport = StreamableHTTPTransport(
                url: url, headers: headers, httpClient: httpClient, logger: quiet, onClose: onClose)
        }
        // A server that never answers `initialize` must not hold its callers forever:
        // disconnecting fails the pending handshake.
        let timer = Task {
            try await Task.sleep(for: limit)
            session.close(because: "no answer to initialize within \(limit)")
        }
        defer { timer.cancel() }
        do {
            _ = try await withTaskCancellationHandler {
                try await client.connect(transport: transport)
            } onCancel: {
                session.close(because: "the session was shut down while starting")
            }
        } catch {
            await client.disconnect()
            if let reason = session.closedReason { throw MCPTransportError(reason) }
            throw error
        }
        if let reason = session.closedReason {
            await client.disconnect()
            throw MCPTransportError(reason)
        }
        return session
    }

    /// Why the session can no longer be used; nil while it can.
    var closedReason: String? { state.withLock { $0.closedReason } }

    /// How long since a call last finished, when none is running.
    func idle(at now: ContinuousClock.Instant) -> Duration? {
        state.withLock { $0.inFlight == 0 ? now - $0.lastUsed : nil }
    }

    /// Marks the session dead and fails its pending calls.
    func close(because reason: String) {
        let first = state.withLock { state in
            defer { if state.closedReason == nil { state.closedReason = reason } }
            return state.closedReason == nil
        }
        guard first else { return }
        let client = self.client
        Task { await client.disconnect() }
    }

    /// Closes the connection and stops the server, waiting for it to go.
    func shutdown() async {
        state.withLock { state in
            if state.closedReason == nil { state.closedReason = "the session was shut down" }
        }
        await client.disconnect()
    }

    /// Calls a tool, sending `notifications/cancelled` if the calling task is cancelled (the
    /// step's time limit passed, or its run was cancelled).
    func callTool(_ name: String, arguments: [String: MCP.Value], meta: Metadata?) async throws -> CallTool.Result {
        state.withLock { $0.inFlight += 1 }
        defer {
            state.withLock { state in
                state.inFlight -= 1
                state.lastUsed = .now
            }
        }
        let client = self.client
        let context = try await client.send(CallTool.request(.init(name: name, arguments: arguments, meta: meta)))
        let requestID = context.requestID
        return try await withTaskCancellationHandler {
            try await context.value
        } onCancel: {
            // Also resumes the pending request with CancellationError.
            Task { try? await client.cancelRequest(requestID, reason: "cancelled by sire-git") }
        }
    }
}

/// A tool call outlived its time limit (and was cancelled on the server).
struct MCPCallTimeout: Error {
    var limit: Duration
}
