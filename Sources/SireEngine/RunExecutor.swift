import Foundation
import SireCore
import SireStore

/// Drives one run to its end: starts ready steps, records each step's end together with what
/// it unblocks in one durable commit, and decides the run's outcome.
///
/// Not Sendable: all its state lives in the `execute()` task; step tasks get immutable copies
/// of what they need and report back through the task group.
final class RunExecutor {
    struct StepState {
        var status: StepStatus = .pending
        var attempts = 0
        var output: Value?
        var error: String?
        var nextAttemptAt: Date?
        var startedAt: Date?
        var finishedAt: Date?
        var items: [Int: StepRecord] = [:]
    }

    let workflow: Workflow
    let graph: WorkflowGraph
    let services: EngineServices
    let configuration: EngineConfiguration
    let checkout: String
    private(set) var run: RunRecord
    private var states: [StepState]
    private var stepsContext: [String: Value] = [:]
    private let baseContext: [String: Value]
    /// Steps named by an `on_error: { goto }`: they run only through it.
    private let handlers: Set<Int>
    private var triggered: Set<Int> = []
    /// Steps that may have become ready since the last `advance`.
    private var candidates: Set<Int>
    private var running: Set<Int> = []
    private var failFast = false
    private var cancelled = false
    private var timedOut = false
    private let maxParallel: Int

    init(
        run: RunRecord, workflow: Workflow, steps: [StepRecord], checkout: String, services: EngineServices,
        configuration: EngineConfiguration
    ) throws {
        self.run = run
        self.workflow = workflow
        self.graph = WorkflowGraph(workflow)
        self.services = services
        self.configuration = configuration
        self.checkout = checkout
        self.maxParallel = workflow.maxParallel ?? configuration.defaultMaxParallel
        var handlers = Set<Int>()
        for step in workflow.steps {
            if case .goto(let target) = step.onError, let i = graph.index(of: target) { handlers.insert(i) }
        }
        self.handlers = handlers
        states = Array(repeating: StepState(), count: workflow.steps.count)
        candidates = Set(workflow.steps.indices)
        let sha = run.commit.sha
        baseContext = [
            "inputs": .object(run.inputs),
            // A run sees only the secrets its workflow names (`secrets.NAME`).
            "secrets": services.secrets.context(only: workflow.secretNames),
            "git": .object([
                "sha": .string(sha), "short_sha": .string(String(sha.prefix(7))),
                "ref": run.commit.ref.map(Value.string) ?? .null, "message": .string(run.commit.message),
                "author": .string(run.commit.author),
            ]),
            "run": .object(["id": .string(run.id), "attempt": .int(1), "trigger": .string(run.trigger.type)]),
            "workflow": .object(["id": .string(workflow.id), "name": workflow.name.map(Value.string) ?? .null]),
        ]
        let load = try services.store.snapshot { tx in
            try steps.map { record -> (StepRecord, Value?) in (record, try record.output.map { try tx.value(of: $0) }) }
        }
        for (record, output) in load {
            guard let i = graph.index(of: record.stepID) else { continue }
            if record.item >= 0 {
                var item = record
                item.output = output.map { .inline($0.jsonString()) }
                states[i].items[record.item] = item
                continue
            }
            states[i].status = record.status
            states[i].attempts = record.attempts
            states[i].output = output
            states[i].error = record.error
            states[i].nextAttemptAt = record.nextAttemptAt
            states[i].startedAt = record.startedAt
            states[i].finishedAt = record.finishedAt
            if record.status.isFinished { publish(i) }
        }
        // A handler that already started was triggered by a failure before the restart.
        for i in handlers where states[i].status != .pending && states[i].status != .skipped { triggered.insert(i) }
    }

    // MARK: the loop

    /// Runs until the run has finished; returns its final record.
    func execute() async -> RunRecord {
        var plan = Plan()
        if run.status == .queued {
            run.status = .running
            run.startedAt = Date()
            plan.runStarted = true
        }
        // Steps that were running or waiting for a retry at a restart go on where they were.
        for i in states.indices where states[i].status == .running || states[i].status == .retrying {
            plan.resumed.append(i)
        }
        advance(&plan)
        await commit(plan)
        let deadline = workflow.timeout.map { (run.startedAt ?? Date()).addingTimeInterval($0.seconds) }

        await withTaskGroup(of: RunSignal.self) { group in
            group.addTask { [services, configuration, runID = run.id] in
                await Self.watch(runID: runID, services: services, configuration: configuration)
            }
            if let deadline {
                group.addTask {
                    let wait = deadline.timeIntervalSinceNow
                    if wait > 0 {
                        do { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) } catch {
                            return .watcherStopped
                        }
                    }
                    return .timedOut
                }
            }
            launch(plan, into: &group)
            while !running.isEmpty, let signal = await group.next() {
                var plan = Plan()
                // The task driving the run was cancelled (a shutdown), not the run: leave every
                // step as the index has it, so a restart resumes the run.
                if Task.isCancelled && !cancelled && !timedOut {
                    if case .step(let i, _) = signal { running.remove(i) }
                    continue
                }
                switch signal {
                case .step(let i, let result):
                    running.remove(i)
                    record(i, result, into: &plan)
                case .cancelRequested:
                    cancelled = true
                    group.cancelAll()
                case .timedOut:
                    timedOut = true
                    group.cancelAll()
                case .watcherStopped:
                    continue
                }
                advance(&plan)
                if running.isEmpty && plan.started.isEmpty { finish(&plan) }
                await commit(plan)
                launch(plan, into: &group)
            }
            group.cancelAll()
        }
        if !run.status.isFinished && !(Task.isCancelled && !cancelled && !timedOut) {
            // Nothing was running at the start (e.g. every step had finished before a crash).
            var plan = Plan()
            finish(&plan)
            await commit(plan)
        }
        return run
    }

    /// Polls for a cancellation request from another process and renews the run's lease.
    private static func watch(runID: String, services: EngineServices, configuration: EngineConfiguration) async
        -> RunSignal
    {
        var sinceRenewal = Duration.zero
        let renewEvery = configuration.leaseDuration / 3
        while true {
            do { try await Task.sleep(for: configuration.cancelPollInterval) } catch { return .watcherStopped }
            if let requested = try? services.store.snapshot({ tx in try tx.cancelRequests(among: [runID]) }),
                requested.contains(runID)
            {
                return .cancelRequested
            }
            sinceRenewal += configuration.cancelPollInterval
            if sinceRenewal >= renewEvery {
                sinceRenewal = .zero
                let until = Date().addingTimeInterval(configuration.leaseDuration.seconds)
                services.store.transactionLater { tx in try tx.renewLeases(owner: configuration.owner, until: until) }
            }
        }
    }

    // MARK: planning

    /// The changes of one step of the loop, committed together.
    private struct Plan {
        var runStarted = false
        var records: [StepRecord] = []
        var events: [EventRecord] = []
        /// Steps to start now (marked running in this commit).
        var started: [Int] = []
        /// Steps that were already running or retrying at a restart.
        var resumed: [Int] = []
        var finished: RunStatus?
    }

    /// Starts every step that can start: dependencies done, `when` true, a free slot.
    ///
    /// Only candidates are examined: every step at the start, then the dependents of steps that
    /// ended and triggered handlers. Ready steps without a free slot stay candidates. This keeps
    /// each step's cost independent of the workflow's size.
    private func advance(_ plan: inout Plan) {
        guard !failFast, !cancelled, !timedOut else { return }
        var waiting = Set<Int>()
        while !candidates.isEmpty {
            let batch = candidates.sorted()
            candidates.removeAll()
            for i in batch where states[i].status == .pending && isReady(i) {
                if running.count + plan.started.count + plan.resumed.count >= maxParallel {
                    waiting.insert(i)
                    continue
                }
                let step = workflow.steps[i]
                if let when = step.when {
                    do {
                        if !(try when.evaluate(in: context())).isTruthy {
                            skip(i, reason: "when was false", into: &plan)
                            continue
                        }
                    } catch {
                        fail(i, error: "when: \(error.message) in '\(when.source)'", into: &plan)
                        continue
                    }
                }
                states[i].status = .running
                states[i].attempts = 1
                states[i].startedAt = Date()
                plan.started.append(i)
                plan.records.append(
                    StepRecord(
                        runID: run.id, stepID: step.id, status: .running, attempts: 1, startedAt: states[i].startedAt))
                plan.events.append(EventRecord(runID: run.id, kind: "step.started", stepID: step.id, attempt: 1))
            }
            if failFast { break }
        }
        candidates.formUnion(waiting)
    }

    private func isReady(_ i: Int) -> Bool {
        if handlers.contains(i) && !triggered.contains(i) { return false }
        for d in graph.dependencies[i] {
            switch states[d].status {
            case .succeeded, .skipped: continue
            case .failed where workflow.steps[d].onError == .continue: continue
            default: return false
            }
        }
        return true
    }

    private func record(_ i: Int, _ result: StepResult, into plan: inout Plan) {
        let step = workflow.steps[i]
        states[i].attempts = result.attempts
        states[i].finishedAt = result.finishedAt
        let duration = Int(result.finishedAt.timeIntervalSince(states[i].startedAt ?? result.startedAt) * 1000)
        switch result.status {
        case .succeeded:
            states[i].status = .succeeded
            states[i].output = result.output ?? .object([:])
            let stored = (try? services.store.prepareOutput(states[i].output!)) ?? .inline("{}")
            plan.records.append(
                StepRecord(
                    runID: run.id, stepID: step.id, status: .succeeded, attempts: result.attempts,
                    startedAt: states[i].startedAt, finishedAt: result.finishedAt, durationMs: duration, output: stored)
            )
            plan.events.append(
                EventRecord(
                    runID: run.id, kind: "step.succeeded", stepID: step.id, attempt: result.attempts,
                    data: .object(["duration_ms": .int(duration), "cached": .bool(result.cached)])))
        case .cancelled:
            states[i].status = .cancelled
            states[i].error = result.error
            plan.records.append(
                StepRecord(
                    runID: run.id, stepID: step.id, status: .cancelled, attempts: result.attempts,
                    startedAt: states[i].startedAt, finishedAt: result.finishedAt, durationMs: duration,
                    error: result.error))
            plan.events.append(
                EventRecord(runID: run.id, kind: "step.cancelled", stepID: step.id, attempt: result.attempts))
        default:
            fail(i, error: result.error ?? "failed", errorOutput: result.errorOutput, duration: duration, into: &plan)
        }
        // Metrics: no lock or query here; the observer decides what a timing costs.
        let ran = result.finishedAt.timeIntervalSince(states[i].startedAt ?? result.startedAt)
        services.observer?.stepFinished(
            workflowID: workflow.id, stepID: step.id, status: states[i].status,
            duration: .nanoseconds(Int64(ran * 1e9)))
        publish(i)
    }

    private func fail(_ i: Int, error: String, errorOutput: Value? = nil, duration: Int? = nil, into plan: inout Plan) {
        let step = workflow.steps[i]
        states[i].status = .failed
        states[i].error = error
        states[i].output = errorOutput
        states[i].finishedAt = states[i].finishedAt ?? Date()
        let stored = errorOutput.flatMap { try? services.store.prepareOutput($0) }
        plan.records.append(
            StepRecord(
                runID: run.id, stepID: step.id, status: .failed, attempts: max(1, states[i].attempts),
                startedAt: states[i].startedAt, finishedAt: states[i].finishedAt, durationMs: duration,
                output: stored, error: error))
        plan.events.append(
            EventRecord(
                runID: run.id, kind: "step.failed", stepID: step.id, attempt: states[i].attempts,
                data: .object(["error": .string(error)])))
        switch step.onError {
        case .fail: failFast = true
        case .continue: break
        case .goto(let target):
            if let h = graph.index(of: target) {
                triggered.insert(h)
                candidates.insert(h)
            }
        }
        publish(i)
    }

    private func skip(_ i: Int, reason: String, into plan: inout Plan) {
        states[i].status = .skipped
        plan.records.append(StepRecord(runID: run.id, stepID: workflow.steps[i].id, status: .skipped, error: reason))
        plan.events.append(
            EventRecord(
                runID: run.id, kind: "step.skipped", stepID: workflow.steps[i].id,
                data: .object(["reason": .string(reason)])))
        publish(i)
    }

    /// Settles every step that did not run and decides the run's outcome.
    private func finish(_ plan: inout Plan) {
        for i in states.indices where !states[i].status.isFinished {
            let reason: String
            if cancelled {
                reason = "run cancelled"
            } else if timedOut {
                reason = "run timed out"
            } else if handlers.contains(i) && !triggered.contains(i) {
                reason = "no step failed into this handler"
            } else {
                reason = "a dependency did not succeed"
            }
            skip(i, reason: reason, into: &plan)
        }
        var status = RunStatus.succeeded
        var error: String?
        if cancelled {
            status = .cancelled
            error = "cancelled"
        } else if timedOut {
            status = .failed
            error = "run timed out after \(DurationText.format(workflow.timeout ?? .zero))"
        } else {
            for (i, step) in workflow.steps.enumerated() where states[i].status == .failed {
                switch step.onError {
                case .continue:
                    continue
                case .fail:
                    status = .failed
                case .goto(let target):
                    let h = graph.index(of: target)
                    let recovered = h.map { states[$0].status == .succeeded && workflow.steps[$0].recover } ?? false
                    if recovered { continue }
                    status = .failed
                }
                error = error ?? "step '\(step.id)' failed: \(states[i].error ?? "failed")"
            }
        }
        run.status = status
        run.error = error
        run.finishedAt = Date()
        plan.finished = status
        plan.events.append(
            EventRecord(
                runID: run.id, kind: "run.finished",
                data: .object(["status": .string(status.rawValue), "error": error.map(Value.string) ?? .null])))
    }

    // MARK: effects

    /// Commits a plan in one transaction (retrying on failure: nothing is lost to a full disk).
    private func commit(_ plan: Plan) async {
        guard plan.runStarted || !plan.records.isEmpty || !plan.events.isEmpty || plan.finished != nil else { return }
        let runID = run.id
        let started = plan.runStarted ? run.startedAt : nil
        let finished = plan.finished
        let finishedAt = run.finishedAt ?? Date()
        let error = run.error
        let records = plan.records
        var events = plan.events
        if plan.runStarted { events.insert(EventRecord(runID: runID, kind: "run.started"), at: 0) }
        let batch = events
        await services.persist { tx in
            if let started { try tx.setRunStatus(runID, .running, at: started) }
            for record in records { try tx.saveStep(record) }
            for event in batch { try tx.appendEvent(event) }
            if let finished { try tx.setRunStatus(runID, finished, at: finishedAt, error: error) }
        }
        if let observer = services.observer {
            for event in batch { observer.observe(event) }
        }
    }

    private func launch(_ plan: Plan, into group: inout TaskGroup<RunSignal>) {
        for i in plan.resumed + plan.started {
            running.insert(i)
            let step = workflow.steps[i]
            let resumedRetry = states[i].status == .retrying
            let first = resumedRetry ? states[i].attempts + 1 : max(1, states[i].attempts)
            let notBefore = resumedRetry ? states[i].nextAttemptAt : nil
            if resumedRetry { states[i].status = .running }
            var finishedItems: [Int: Value] = [:]
            var itemAttempts: [Int: Int] = [:]
            for (index, item) in states[i].items {
                if item.status == .succeeded, case .inline(let text)? = item.output,
                    let value = try? Value.parseJSON(text)
                {
                    finishedItems[index] = value
                } else {
                    itemAttempts[index] = item.status == .retrying ? item.attempts : max(0, item.attempts - 1)
                }
            }
            let task = StepTask(
                runID: run.id, step: step, retry: step.retry ?? workflow.defaults.retry ?? RetryPolicy(maxAttempts: 1),
                timeout: step.timeout ?? workflow.defaults.timeout, context: context(), checkout: checkout,
                services: services, firstAttempt: first, notBefore: notBefore, finishedItems: finishedItems,
                itemAttempts: itemAttempts)
            group.addTask { .step(i, await task.run()) }
        }
    }

    /// Makes a finished step visible to templates as `steps.ID`.
    private func publish(_ i: Int) {
        candidates.formUnion(graph.dependents[i])
        let state = states[i]
        stepsContext[workflow.steps[i].id] = .object([
            "output": state.output ?? .null,
            "status": .string(state.status.rawValue),
            "error": state.error.map(Value.string) ?? .null,
            "attempts": .int(state.attempts),
        ])
    }

    private func context() -> EvaluationContext {
        var variables = baseContext
        variables["steps"] = .object(stepsContext)
        return EvaluationContext(variables: variables)
    }
}
