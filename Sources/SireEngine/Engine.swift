import Foundation
import Logging
import SireCore
import SireStore

/// Durable workflow execution over the index: every step's completion is committed before any
/// step that depends on it starts, and a restarted engine resumes every unfinished run from
/// what was committed (completed steps never run again; steps that were running run again).
public final class Engine: Sendable {
    public let store: Store
    let services: EngineServices
    let checkouts: any CheckoutProvider
    let definitions: any DefinitionLoader
    public let configuration: EngineConfiguration

    public init(
        store: Store, tools: any ToolInvoker, checkouts: any CheckoutProvider, definitions: any DefinitionLoader,
        secrets: Secrets = Secrets(), observer: (any RunObserver)? = nil, configuration: EngineConfiguration,
        logger: Logger = Logger(label: "sire.engine")
    ) {
        self.store = store
        self.checkouts = checkouts
        self.definitions = definitions
        self.configuration = configuration
        services = EngineServices(
            store: store, tools: tools, limiter: AsyncSemaphore(configuration.globalParallelism), secrets: secrets,
            isolation: configuration.isolation, observer: observer, logger: logger)
    }

    /// The identity an engine uses in leases: host, process and a random part.
    public static func makeOwner() -> String {
        "\(ProcessInfo.processInfo.hostName):\(getpid()):\(RunID.random(6))"
    }

    /// Records a new run (queued) with its steps. A run with the same workflow and trigger
    /// key is not created twice: the existing one is returned with `created` false.
    public func submit(_ new: NewRun) async throws -> (run: RunRecord, created: Bool) {
        let record = RunRecord(
            id: RunID.make(), workflowID: new.workflow.id, path: new.path, blob: new.blob, commit: new.commit,
            trigger: new.trigger, inputs: new.inputs, definition: new.definition, rerunOf: new.rerunOf,
            controller: configuration.owner)
        let steps = new.workflow.steps.map(\.id)
        do {
            let owner = configuration.owner
            let until = Date().addingTimeInterval(configuration.leaseDuration.seconds)
            return try await store.transaction { tx in
                let result = try tx.insertRun(record, steps: steps)
                if result.created {
                    // The creator holds the run from the start: another process resuming
                    // interrupted runs must never take one that is about to execute here.
                    _ = try tx.claimRun(record.id, owner: owner, until: until)
                    try tx.appendEvent(
                        EventRecord(
                            runID: record.id, kind: "run.queued",
                            data: .object([
                                "trigger": .string(record.trigger.type), "commit": .string(record.commit.sha),
                            ])))
                }
                return result
            }
        } catch {
            throw EngineError(.store, "cannot record the run", cause: error)
        }
    }

    /// Takes the run's lease and drives it to its end; returns the final record. Throws
    /// `.owned` when another live engine is executing it.
    public func execute(_ runID: String) async throws -> RunRecord {
        let owner = configuration.owner
        let until = Date().addingTimeInterval(configuration.leaseDuration.seconds)
        let (stale, alive) = try ownerLiveness()
        let claimed: (RunRecord, [StepRecord])?
        do {
            claimed = try await store.transaction { tx -> (RunRecord, [StepRecord])? in
                guard let run = try tx.run(runID) else { return nil }
                if run.status.isFinished { return (run, []) }
                guard try tx.claimRun(runID, owner: owner, until: until, stale: stale, alive: alive) else {
                    throw EngineError(.owned, "run \(runID) is being executed by another process")
                }
                return (run, try tx.steps(of: runID))
            }
        } catch let error as EngineError {
            throw error
        } catch {
            throw EngineError(.store, "cannot read run \(runID)", cause: error)
        }
        guard let (run, steps) = claimed else { throw EngineError(.notFound, "no run '\(runID)'") }
        if run.status.isFinished { return run }
        let workflow: Workflow
        do {
            workflow = try definitions.workflow(for: run)
        } catch {
            return await abandon(run, reason: "its definition cannot be loaded: \(error)")
        }
        // Only the file tools and shell.run work in the checkout: other runs skip making one.
        let usesCheckout = workflow.steps.contains { $0.tool.usesCheckout }
        var checkout = ""
        if usesCheckout {
            do {
                checkout = try checkouts.checkout(for: run)
            } catch {
                return await abandon(run, reason: "its checkout cannot be made: \(error)")
            }
        }
        let executor = try RunExecutor(
            run: run, workflow: workflow, steps: steps, checkout: checkout, services: services,
            configuration: configuration)
        let finished = await executor.execute()
        if finished.status.isFinished && usesCheckout { checkouts.release(finished) }
        return finished
    }

    /// Asks whoever executes the run to cancel it. Returns false when it had already finished.
    public func requestCancel(_ runID: String) async throws -> Bool {
        try await store.transaction { tx in try tx.requestCancel(runID) }
    }

    /// The lease owners on this host whose process is gone (their runs may be taken at once)
    /// and those whose process still runs (their runs are theirs even past a lease they were
    /// too busy to renew). Owners on other hosts are judged by their lease alone.
    private func ownerLiveness() throws -> (stale: Set<String>, alive: Set<String>) {
        let host = ProcessInfo.processInfo.hostName
        var stale: Set<String> = [], alive: Set<String> = []
        for owner in try store.snapshot({ tx in try tx.leaseOwners() }) {
            let parts = owner.split(separator: ":")
            guard parts.count >= 3, String(parts[0]) == host, let pid = Int32(parts[1]), pid != getpid() else {
                continue
            }
            if kill(pid, 0) != 0 && errno == ESRCH { stale.insert(owner) } else { alive.insert(owner) }
        }
        return (stale, alive)
    }

    /// Fails a run that can no longer execute, recording why.
    private func abandon(_ run: RunRecord, reason: String) async -> RunRecord {
        var run = run
        run.status = .failed
        run.error = "the run cannot continue: \(reason)"
        run.finishedAt = Date()
        let finished = run
        await services.persist { tx in
            try tx.setRunStatus(finished.id, .failed, at: finished.finishedAt!, error: finished.error)
            try tx.appendEvent(
                EventRecord(
                    runID: finished.id, kind: "run.finished",
                    data: .object(["status": .string("failed"), "error": .string(finished.error!)])))
        }
        return run
    }
}

/// Run ids: UTC time then random letters (`20261121-221500-k3f9qa`), so they sort by creation
/// and read well in a terminal.
public enum RunID {
    public static func make(now: Date = Date()) -> String {
        var time = time_t(now.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&time, &parts)
        let stamp = String(
            format: "%04d%02d%02d-%02d%02d%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour,
            parts.tm_min, parts.tm_sec)
        return "\(stamp)-\(random(6))"
    }

    /// Whether `text` has the shape ``make(now:)`` gives (`YYYYMMDD-HHMMSS-xxxxxx`): what a
    /// record read from elsewhere (the ledger) must carry before it names a run.
    public static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 3 && parts[0].count == 8 && parts[1].count == 6 && parts[2].count == 6
            && (parts[0] + parts[1]).allSatisfy { $0.isASCII && $0.isWholeNumber }
            && parts[2].allSatisfy { alphabet.contains($0) }
    }

    private static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz")

    static func random(_ count: Int) -> String {
        return String((0..<count).map { _ in alphabet.randomElement()! })
    }
}
