import Foundation
import Logging
import SireCore
import SireEngine
import SireGit
import SireMCP
import SireStore
import SireTools

/// The index, the engine and the tools over one repository and state directory: what both a
/// one-shot `sire-git run` and the long-running controller execute runs with.
package struct Runtime: Sendable {
    /// The repository's git directory (a bare mirror for a URL source).
    package let gitDirectory: String
    package let state: String
    package let store: Store
    package let engine: Engine
    package let dispatcher: Dispatcher
    /// The MCP sessions (stdio servers are child processes): stopped by ``shutdown()``.
    package let mcp: MCPToolInvoker
    /// What runs redact (the ledger's inputs too).
    package let secrets: Secrets

    /// Opens (creating if needed) the index under `state` and assembles an engine. `tools`
    /// wraps the dispatcher when given (mocks); `SIRE_LEASE_SECONDS` shortens leases (tests).
    package static func make(
        gitDirectory: String, state: String, secrets: Secrets, isolation: StepIsolation = .none,
        tools: (@Sendable (Dispatcher) -> any ToolInvoker)? = nil, observer: (any RunObserver)? = nil,
        logger: Logger = Logger(label: "sire.engine")
    ) throws -> Runtime {
        let store: Store
        do {
            store = try Store(directory: state)
        } catch {
            throw ControllerError(.io, "cannot open the index in \(state): \(error)")
        }
        let resolver = MCPServerResolver(gitDirectory: gitDirectory, state: state, store: store, secrets: secrets)
        let mcp = MCPToolInvoker(logger: Logger(label: "sire.mcp")) { name, call throws(ToolError) in
            try resolver.endpoint(name, for: call)
        }
        let dispatcher = Dispatcher(mcp: mcp)
        let invoker = tools?(dispatcher) ?? dispatcher
        let isolation = isolation.protecting(state: state, gitDirectory: gitDirectory)
        var configuration = EngineConfiguration(
            defaultMaxParallel: ProcessInfo.processInfo.activeProcessorCount, owner: Engine.makeOwner())
        configuration.isolation = isolation
        if let lease = ProcessInfo.processInfo.environment["SIRE_LEASE_SECONDS"].flatMap(Double.init) {
            configuration.leaseDuration = .milliseconds(Int(lease * 1000))
        }
        let engine = Engine(
            store: store, tools: invoker,
            checkouts: GitCheckouts(repositoryPath: gitDirectory, root: state + "/checkouts", isolation: isolation),
            definitions: SpecDefinitions(repositoryPath: gitDirectory), secrets: secrets, observer: observer,
            configuration: configuration, logger: logger)
        return Runtime(
            gitDirectory: gitDirectory, state: state, store: store, engine: engine, dispatcher: dispatcher, mcp: mcp,
            secrets: secrets)
    }

    /// Runs `body`, then shuts the runtime down however `body` ended. A command's errors (a
    /// run id or revision that does not resolve) are then reported as errors: an HTTP client
    /// dropped without its shutdown stops the process with a crash instead.
    package func whileOpen<T>(_ body: () async throws -> T) async throws -> T {
        let result: T
        do {
            result = try await body()
        } catch {
            await shutdown()
            throw error
        }
        await shutdown()
        return result
    }

    /// Stops the MCP servers and closes the tools' connections.
    package func shutdown() async {
        await mcp.shutdown()
        await dispatcher.shutdown()
    }
}

extension Runtime {
    /// Waits until the run has finished or `timeout` passed; returns its latest record.
    /// `onEvents` receives the run's new events as they appear. It reads the index again when
    /// this process commits a write (at most every 2 ms), and at least every 100 ms (for runs
    /// another process executes).
    /// - Throws: `ControllerError` `.notFound` for an unknown run.
    package func waitForRun(
        _ runID: String, timeout: Duration, onEvents: (@Sendable ([EventRecord]) async -> Void)? = nil
    ) async throws -> RunRecord {
        let deadline = ContinuousClock.now + timeout
        var seen: Int64 = 0
        while true {
            try Task.checkCancellation()
            let generation = store.commitGeneration
            let readAt = ContinuousClock.now
            let (run, events) = try store.snapshot { tx in
                (try tx.run(runID), onEvents == nil ? [] : try tx.events(of: runID, after: seen))
            }
            guard let run else { throw ControllerError(.notFound, "no run '\(runID)'") }
            if let onEvents, let last = events.last {
                seen = last.seq
                await onEvents(events)
            }
            let now = ContinuousClock.now
            if run.status.isFinished || now >= deadline { return run }
            await store.waitForCommit(
                after: generation, timeout: min(.milliseconds(100), deadline - now), earliest: readAt + .milliseconds(2)
            )
        }
    }
}
