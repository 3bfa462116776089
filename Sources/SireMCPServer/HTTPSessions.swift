import Foundation
import Logging
import MCP

/// sire-git's tools over MCP Streamable HTTP, independent of the web framework: an HTTP front
/// end hands every request to `/mcp` to ``handle(_:)`` and writes back the answer.
///
/// An `initialize` request without a session opens a session: its own SDK `Server` and
/// `StatefulHTTPServerTransport`, found again by the `Mcp-Session-Id` the transport assigns.
/// Requests name their session; an unknown (expired, deleted) one gets 404, which tells the
/// client to initialize again. Sessions idle longer than `idleLimit` are closed, and past
/// `limit` sessions the least recently used one is.
package actor HTTPSessions {
    private struct Session {
        let server: Server
        let transport: StatefulHTTPServerTransport
        var lastUsed: ContinuousClock.Instant
    }

    private let toolbox: Toolbox
    private let validation: any HTTPRequestValidationPipeline
    private let idleLimit: Duration
    private let limit: Int
    private let logger: Logger
    private var sessions: [String: Session] = [:]
    private var closed = false

    /// `localOnly` checks `Host` and `Origin` against loopback names (DNS-rebinding
    /// protection, for an API without tokens that trusts local clients).
    package init(
        toolbox: Toolbox, localOnly: Bool, idleLimit: Duration = .seconds(1800), limit: Int = 256,
        logger: Logger
    ) {
        self.toolbox = toolbox
        self.idleLimit = idleLimit
        self.limit = limit
        self.logger = logger
        validation = StandardValidationPipeline(validators: [
            localOnly ? OriginValidator.localhost() : OriginValidator.disabled,
            AcceptHeaderValidator(mode: .sseRequired),
            ContentTypeValidator(),
            ProtocolVersionValidator(),
            SessionValidator(),
        ])
    }

    /// The number of open sessions.
    package var count: Int { sessions.count }

    /// Answers one request to the MCP endpoint.
    package func handle(_ request: HTTPRequest) async -> HTTPResponse {
        guard !closed else { return .error(statusCode: 503, .internalError("the server is shutting down")) }
        await expireIdle()
        if let id = request.header(HTTPHeaderName.sessionID) {
            guard var session = sessions[id] else {
                return .error(
                    statusCode: 404, .invalidRequest("unknown or expired MCP session '\(id)': initialize a new one"))
            }
            session.lastUsed = .now
            sessions[id] = session
            let response = await session.transport.handleRequest(request)
            if request.method.uppercased() == "DELETE", response.statusCode < 300 {
                sessions[id] = nil
                await session.server.stop()
                logger.debug("MCP session closed by the client", metadata: ["mcp.session": "\(id)"])
            }
            return response
        }
        guard request.method.uppercased() == "POST", Self.isInitialize(request.body) else {
            return .error(
                statusCode: 400,
                .invalidRequest("Bad Request: send `initialize` first, then the Mcp-Session-Id header it returns"))
        }
        if sessions.count >= limit, let oldest = sessions.min(by: { $0.value.lastUsed < $1.value.lastUsed }) {
            sessions[oldest.key] = nil
            await oldest.value.server.stop()
            logger.info(
                "MCP session limit reached: closed the least recently used", metadata: ["mcp.session": "\(oldest.key)"])
        }
        var transportLogger = logger
        transportLogger.logLevel = max(logger.logLevel, .warning)
        let transport = StatefulHTTPServerTransport(validationPipeline: validation, logger: transportLogger)
        let server = await ToolServer.make(toolbox, logger: logger)
        do {
            try await server.start(transport: transport)
        } catch {
            return .error(statusCode: 500, .internalError("cannot start an MCP session: \(error)"))
        }
        let response = await transport.handleRequest(request)
        if let id = response.headers.first(where: { $0.key.lowercased() == HTTPHeaderName.sessionID.lowercased() })?
            .value
        {
            sessions[id] = Session(server: server, transport: transport, lastUsed: .now)
            logger.debug("MCP session opened", metadata: ["mcp.session": "\(id)"])
        } else {
            await server.stop()
        }
        return response
    }

    /// Closes every session (their open streams end) and refuses new requests.
    package func closeAll() async {
        closed = true
        let open = sessions
        sessions = [:]
        for session in open.values { await session.server.stop() }
    }

    private func expireIdle() async {
        let now = ContinuousClock.now
        for (id, session) in sessions where now - session.lastUsed > idleLimit {
            sessions[id] = nil
            await session.server.stop()
            logger.debug("MCP session expired", metadata: ["mcp.session": "\(id)"])
        }
    }

    private static func isInitialize(_ body: Data?) -> Bool {
        guard let body, let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            return false
        }
        return object["method"] as? String == "initialize"
    }
}
