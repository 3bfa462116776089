import AsyncHTTPClient
import Logging

/// The live sessions, one per endpoint: started on first use, shared by concurrent calls,
/// replaced when they die, closed when idle too long.
actor MCPSessionPool {
    private enum Entry {
        case starting(Task<MCPSession, any Error>)
        case ready(MCPSession)
    }

    private var entries: [MCPEndpoint: Entry] = [:]
    private let httpClient: HTTPClient
    private let startupLimit: Duration
    private let idleLimit: Duration
    private let logger: Logger
    /// Sessions started so far, for tests and benchmarks.
    private(set) var starts = 0

    init(httpClient: HTTPClient, startupLimit: Duration, idleLimit: Duration, logger: Logger) {
        self.httpClient = httpClient
        self.startupLimit = startupLimit
        self.idleLimit = idleLimit
        self.logger = logger
    }

    /// The endpoint's live session, started if there is none.
    func session(for endpoint: MCPEndpoint) async throws -> MCPSession {
        switch entries[endpoint] {
        case .ready(let session) where session.closedReason == nil:
            return session
        case .starting(let task):
            return try await task.cancellableValue()
        case .ready(let dead):
            logger.info("restarting MCP server \(endpoint): \(dead.closedReason ?? "")")
            entries[endpoint] = nil
            Task { await dead.shutdown() }
        case nil:
            break
        }
        closeIdle()
        starts += 1
        let (httpClient, limit, logger) = (self.httpClient, startupLimit, self.logger)
        let task = Task { try await MCPSession.start(endpoint, httpClient: httpClient, limit: limit, logger: logger) }
        entries[endpoint] = .starting(task)
        // The entry is settled by the start-up itself, not by this caller, who may give up
        // (cancelled) before the server has answered.
        Task { await self.settle(endpoint, task) }
        return try await task.cancellableValue()
    }

    private func settle(_ endpoint: MCPEndpoint, _ task: Task<MCPSession, any Error>) async {
        let result = await task.result
        guard case .starting(let current) = entries[endpoint], current == task else {
            // Replaced or shut down meanwhile: nobody will use this session.
            if case .success(let session) = result { await session.shutdown() }
            return
        }
        switch result {
        case .success(let session): entries[endpoint] = .ready(session)
        case .failure: entries[endpoint] = nil
        }
    }

    /// Stops every server and forgets every session.
    func shutdown() async {
        let all = entries.values
        entries = [:]
        await withTaskGroup(of: Void.self) { group in
            for entry in all {
                group.addTask {
                    switch entry {
                    case .ready(let session): await session.shutdown()
                    case .starting(let task):
                        task.cancel()
                        await (try? task.value)?.shutdown()
                    }
                }
            }
        }
    }

    /// Stops servers no call has used for `idleLimit` (a stdio server of an old commit, say).
    private func closeIdle() {
        let now = ContinuousClock.now
        for (endpoint, entry) in entries {
            guard case .ready(let session) = entry, let idle = session.idle(at: now), idle > idleLimit else { continue }
            entries[endpoint] = nil
            Task { await session.shutdown() }
        }
    }
}
