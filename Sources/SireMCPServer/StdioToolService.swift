import Logging
import ServiceLifecycle

/// `sire-git mcp`: serves the tools over stdio until the client closes stdin (or SIGTERM). Calls
/// still being answered then get up to `grace`, and so do runs it started (the rest stay
/// resumable with `sire-git runs resume`); then it writes the ledger.
package struct StdioToolService: Service {
    let backend: LocalBackend
    let grace: Duration
    let logger: Logger

    /// Serves `backend`; `grace` bounds the answers and runs still going when the client leaves.
    package init(backend: LocalBackend, grace: Duration, logger: Logger) {
        self.backend = backend
        self.grace = grace
        self.logger = logger
    }

    /// Serves until stdin ends or a graceful shutdown, then drains and stops the backend.
    package func run() async throws {
        do {
            try await backend.resumeUnfinished()
        } catch {
            logger.warning("cannot resume unfinished runs: \(error)")
        }
        let server = await ToolServer.make(Toolbox(backend: backend), logger: logger)
        try await server.start(transport: StdioServerTransport(linger: grace, logger: logger))
        logger.info("serving sire-git's tools over MCP on stdio")
        await withGracefulShutdownHandler {
            await server.waitUntilCompleted()
        } onGracefulShutdown: {
            Task { await server.stop() }
        }
        logger.info("MCP client gone: finishing runs and writing the ledger")
        await server.stop()
        await backend.shutdown(grace: grace)
    }
}
