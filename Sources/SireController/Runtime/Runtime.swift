import Foundation
import Logging
import SireCore
import SireEngine
import SireGit
import SireMCP
import SireStore
import SireTools
import Synchronization

/// The index, the engine, the tools, the run launcher and the ledger over one repository and
/// state directory: what every face — `sire-git run`/`runs`, `sire-git mcp` and the controller —
/// starts and records runs with. Runs start only through ``launcher`` (concurrency policies
/// hold everywhere), and a finished run reaches the ledger only through ``ledger``, which the
/// launcher pokes.
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
    /// Starts, queues, resumes and waits for runs.
    package let launcher: RunLauncher
    /// Writes finished runs to the ledger while the runtime is open (``start()``).
    package let ledger: LedgerService
    /// Consolidates the packs ledger writes leave.
    package let housekeeping: LedgerHousekeeping
    private let background: Background

    /// The ledger service's task while the runtime is open.
    private final class Background: Sendable {
        let task = Mutex<Task<Void, Never>?>(nil)
    }

    /// Opens (creating if needed) the index under `state` and assembles an engine. `tools`
    /// wraps the dispatcher when given (mocks); `SIRE_LEASE_SECONDS` shortens leases (tests).
    package static func make(
        gitDirectory: String, state: String, secrets: Secrets, isolation: StepIsolation = .none,
        tools: (@Sendable (Dispatcher) -> any ToolInvoker)? = nil, observer: (any RunObserver)? = nil,
        logger: Logger = Logger(label: "sire.engine"), onLedgerWrite: @escaping @Sendable () -> Void = {}
    ) throws -> Runtime {
        let store: Store
        do {
            store = try Store(directory: state)
        } catch {
            throw ControllerError(.io, "cannot open the index in \(state)", cause: error)
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
        let housekeeping = LedgerHousekeeping(gitDirectory: gitDirectory, logger: logger)
        let ledger = LedgerService(
            writer: LedgerWriter(gitDirectory: gitDirectory, store: store, secrets: secrets, logger: logger),
            logger: logger
        ) { _ in
            housekeeping.afterWrite()
            onLedgerWrite()
        }
        let launcher = RunLauncher(engine: engine, logger: logger) { _ in ledger.poke() }
        return Runtime(
            gitDirectory: gitDirectory, state: state, store: store, engine: engine, dispatcher: dispatcher, mcp: mcp,
            secrets: secrets, launcher: launcher, ledger: ledger, housekeeping: housekeeping, background: Background())
    }

    /// Starts writing finished runs to the ledger (and consolidating after writes) until
    /// ``shutdown()``; a second call does nothing.
    package func start() {
        let ledger = self.ledger
        background.task.withLock { task in
            guard task == nil else { return }
            // Detached: a graceful shutdown of the process must not stop it before the launcher
            // has drained; ``shutdown()`` stops it.
            task = Task.detached { try? await ledger.run() }
        }
    }

    /// Runs `body`, then shuts the runtime down however `body` ended. A command's errors (a
    /// run id or revision that does not resolve) are then reported as errors: an HTTP client
    /// dropped without its shutdown stops the process with a crash instead.
    package func whileOpen<T>(_ body: () async throws -> T) async throws -> T {
        start()
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

    /// Writes what is left to the ledger (and waits for a consolidation under way), then stops
    /// the MCP servers and closes the tools' connections. Call it after the launcher has drained.
    package func shutdown() async {
        if let task = background.task.withLock({ $0 }) {
            task.cancel()
            await task.value
        }
        // The last word: runs that finished after the service's final drain (or with no service).
        do {
            if try await ledger.writer.drain() > 0 { housekeeping.afterWrite() }
        } catch {
            Logger(label: "sire.ledger").error("cannot write the runs ledger", metadata: ["error": "\(error)"])
        }
        await housekeeping.finish()
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
