import Foundation
import Logging
import SireCore
import SireEngine
import SireStore

/// Starts runs of deployed workflows and executes them, honouring each workflow's
/// `concurrency` policy: `skip` drops a run that finds the limit reached, `queue` records it and
/// starts it when a slot frees, `replace` cancels the active runs and starts the new one once
/// they have stopped. The queue is the index itself (runs in `queued`), so it survives restarts.
package actor RunLauncher {
    let engine: Engine
    let store: Store
    let logger: Logger
    let onFinish: @Sendable (RunRecord) async -> Void
    /// Runs this process is executing.
    private var executing: [String: Task<Void, Never>] = [:]
    /// Executing run ids by workflow.
    private var executingByWorkflow: [String: Set<String>] = [:]
    /// Launches under way (between the concurrency check and the run's insertion) by workflow.
    private var launching: [String: Int] = [:]
    /// The concurrency policy of each workflow's deployed version.
    private var policies: [String: ConcurrencyPolicy] = [:]
    private var waiters: [CheckedContinuation<Void, Never>] = []
    /// Why the engine would not execute a run this launcher started (held by another live
    /// process, say), until ``waitForRun(_:)`` reports it.
    private var refusals: [String: any Error] = [:]

    package init(
        engine: Engine, logger: Logger = Logger(label: "sire.launcher"),
        onFinish: @escaping @Sendable (RunRecord) async -> Void = { _ in }
    ) {
        self.engine = engine
        self.store = engine.store
        self.logger = logger
        self.onFinish = onFinish
    }

    /// Tells the launcher the concurrency policy of a workflow's deployed version.
    package func setPolicy(_ policy: ConcurrencyPolicy?, for workflowID: String) {
        policies[workflowID] = policy
    }

    /// Records a run of `live` for `trigger` and starts it (or queues or skips it, per policy).
    /// `inputs` are checked against the declared inputs; defaults are filled in.
    package func launch(
        _ live: LiveWorkflow, trigger: RunTrigger, inputs given: [String: Value], commit: PinnedCommit,
        rerunOf: String? = nil
    ) async throws -> LaunchOutcome {
        let inputs: [String: Value]
        switch InputValidation.resolve(given, declared: live.workflow.inputs) {
        case .success(let resolved): inputs = resolved
        case .failure(let errors): throw ControllerError(.invalid, "workflow '\(live.id)': \(errors)")
        }
        return try await launch(
            NewRun(
                workflow: live.workflow, path: live.path, blob: live.blob, definition: live.definition, commit: commit,
                trigger: trigger, inputs: inputs, rerunOf: rerunOf))
    }

    /// Records `new` (inputs already resolved) and starts it, queues it or skips it per its
    /// workflow's concurrency policy.
    package func launch(_ new: NewRun) async throws -> LaunchOutcome {
        let id = new.workflow.id
        policies[id] = new.workflow.concurrency
        var queue = false
        if let policy = new.workflow.concurrency, let limit = policy.limit {
            let active = try store.snapshot { tx in try tx.activeRuns(of: id) }
            if active.count + launching[id, default: 0] >= limit {
                switch policy.policy {
                case .skip:
                    return .skipped(reason: "\(active.count) run(s) of '\(id)' active, limit \(limit)")
                case .queue:
                    queue = true
                case .replace:
                    queue = true
                    for run in active { _ = try await engine.requestCancel(run.id) }
                    logger.info(
                        "replacing \(active.count) active run(s)", metadata: ["workflow.id": "\(id)"])
                }
            }
        }
        launching[id, default: 0] += 1
        defer { launching[id, default: 1] -= 1 }
        let (run, created) = try await engine.submit(new)
        guard created else { return .existing(run) }
        logger.info(
            "run created",
            metadata: [
                "workflow.id": "\(id)", "run.id": "\(run.id)", "git.sha": "\(new.commit.sha)",
                "trigger": "\(new.trigger.type):\(new.trigger.key)",
            ])
        if queue {
            pump(id)
            return executing[run.id] != nil ? .started(run) : .queued(run)
        }
        start(run)
        return .started(run)
    }

    /// Executes every unfinished run of the index — what an earlier process left behind (a
    /// crash, a `kill -9`): running ones resume at once, queued ones start as their workflow's
    /// concurrency allows. Runs a live process is executing stay with it. Returns the runs
    /// found, oldest first.
    @discardableResult
    package func resumeUnfinished() throws -> [RunRecord] {
        let runs = try store.snapshot { tx in try tx.unfinishedRuns() }
        var workflows: Set<String> = []
        for run in runs {
            if run.status == .running { start(run) } else { workflows.insert(run.workflowID) }
        }
        for id in workflows.sorted() { pump(id) }
        return runs
    }

    /// Executes one unfinished run now (`sire-git runs resume ID`), whatever its workflow's
    /// limit: it was started before. A finished run is left as it is.
    /// - Throws: ``ControllerError`` `notFound` for an unknown run.
    package func resume(_ runID: String) throws {
        guard let run = try store.snapshot({ tx in try tx.run(runID) }) else {
            throw ControllerError(.notFound, "no run '\(runID)'")
        }
        if !run.status.isFinished { start(run) }
    }

    /// Waits until the run has finished and returns its record: executed here, or queued here
    /// behind runs of other processes (started when they end).
    /// - Throws: ``ControllerError`` `notFound` for an unknown run; the engine's error when it
    ///   would not execute the run (``EngineError`` `owned`: another live process holds it);
    ///   `CancellationError`.
    package func waitForRun(_ runID: String) async throws -> RunRecord {
        while true {
            if let task = executing[runID] { await task.value }
            if let refusal = refusals.removeValue(forKey: runID) { throw refusal }
            try Task.checkCancellation()
            guard let run = try store.snapshot({ tx in try tx.run(runID) }) else {
                throw ControllerError(.notFound, "no run '\(runID)'")
            }
            if run.status.isFinished { return run }
            // Queued behind runs this process does not know of, or executed elsewhere: look again
            // when the index changes (or every 100 ms, for other processes' commits).
            pump(run.workflowID)
            if executing[runID] == nil {
                await store.waitForCommit(
                    after: store.commitGeneration, timeout: .milliseconds(100), earliest: .now + .milliseconds(2))
            }
        }
    }

    /// Number of runs this process is executing.
    package var executingCount: Int { executing.count }

    /// Returns once no run is executing (or at once when none is).
    package func waitUntilIdle() async {
        if executing.isEmpty { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    /// Graceful stop: lets executing runs finish for up to `grace`, then cancels the rest, which
    /// stay resumable (their completed steps are committed; a restart resumes them).
    package func drain(grace: Duration) async {
        let deadline = ContinuousClock.now + grace
        while !executing.isEmpty && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        let remaining = Array(executing.values)
        for task in remaining { task.cancel() }
        for task in remaining { await task.value }
    }

    private func start(_ run: RunRecord) {
        guard executing[run.id] == nil else { return }
        let engine = self.engine
        let logger = self.logger
        executingByWorkflow[run.workflowID, default: []].insert(run.id)
        SireMetrics.runStarted(workflow: run.workflowID, trigger: run.trigger.type)
        executing[run.id] = Task {
            do {
                let finished = try await engine.execute(run.id)
                if finished.status.isFinished {
                    logger.info(
                        "run \(finished.status.rawValue)",
                        metadata: [
                            "workflow.id": "\(finished.workflowID)", "run.id": "\(finished.id)",
                            "git.sha": "\(finished.commit.sha)",
                        ])
                }
                await self.finished(finished)
            } catch {
                logger.warning(
                    "run not executed: \(error)", metadata: ["workflow.id": "\(run.workflowID)", "run.id": "\(run.id)"])
                await self.refused(run, error)
            }
        }
        SireMetrics.executing(executing.count)
    }

    private func refused(_ run: RunRecord, _ error: any Error) async {
        // Kept for a waiter; a process nobody waits in (the controller) must not collect them.
        if refusals.count >= 100 { refusals.removeAll() }
        refusals[run.id] = error
        await finished(run)
    }

    private func finished(_ run: RunRecord) async {
        executing[run.id] = nil
        executingByWorkflow[run.workflowID]?.remove(run.id)
        SireMetrics.executing(executing.count)
        if run.status.isFinished {
            SireMetrics.runFinished(
                workflow: run.workflowID, status: run.status.rawValue,
                duration: run.startedAt.flatMap { start in
                    run.finishedAt.map { .nanoseconds(Int64($0.timeIntervalSince(start) * 1e9)) }
                })
        }
        if run.status.isFinished { await onFinish(run) }
        if !Task.isCancelled { pump(run.workflowID) }
        if executing.isEmpty {
            let waiting = waiters
            waiters = []
            for waiter in waiting { waiter.resume() }
        }
    }

    /// Starts the workflow's oldest queued runs while its limit allows.
    private func pump(_ workflowID: String) {
        guard let active = try? store.snapshot({ tx in try tx.activeRuns(of: workflowID) }) else { return }
        let limit = policies[workflowID]?.limit ?? Int.max
        var running = active.filter { executing[$0.id] != nil || $0.status == .running }.count
        for run in active where run.status == .queued && executing[run.id] == nil {
            guard running < limit else { break }
            start(run)
            running += 1
        }
        SireMetrics.queued(
            active.filter { $0.status == .queued && executing[$0.id] == nil }.count, workflow: workflowID)
    }
}
