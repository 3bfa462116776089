import Foundation
import SireCore
import SireStore
import Synchronization

/// The work of one step in its own task: rendering params, calling the tool through the
/// global limiter, timeouts, retries with backoff, foreach items, repeat loops and the cache.
///
/// Everything it holds is immutable; the only state it changes is in the index (retry
/// schedules and finished foreach items, each committed before it goes on).
struct StepTask: Sendable {
    let runID: String
    let step: Step
    let retry: RetryPolicy
    let timeout: Duration?
    let context: EvaluationContext
    let checkout: String
    let services: EngineServices
    /// The attempt to start with (greater than 1 when a retry was pending at a restart).
    let firstAttempt: Int
    /// Do not start before this (a retry's backoff that was running at a restart).
    let notBefore: Date?
    /// Foreach items that already succeeded before a restart, by index.
    let finishedItems: [Int: Value]
    /// Attempts already made per foreach item.
    let itemAttempts: [Int: Int]

    func run() async -> StepResult {
        let started = Date()
        if let notBefore, notBefore > started {
            try? await Task.sleep(for: .milliseconds(Int(notBefore.timeIntervalSince(started) * 1000)))
        }
        if Task.isCancelled { return cancelled(started, attempts: firstAttempt - 1) }
        if let foreach = step.foreach { return await runItems(foreach, started: started) }
        let params: Value
        do {
            params = try step.params.render(in: context)
        } catch {
            return StepResult(
                status: .failed, error: "params: \(error.message) in \(describe(step.params))",
                attempts: firstAttempt, startedAt: started, finishedAt: Date())
        }
        let outcome = await attempts(params: params, item: nil, from: firstAttempt)
        return StepResult(
            status: outcome.status, output: outcome.output, error: outcome.error, errorOutput: outcome.errorOutput,
            attempts: outcome.attempts, startedAt: started, finishedAt: Date(), cached: outcome.cached)
    }

    // MARK: foreach

    private func runItems(_ foreach: TemplateValue, started: Date) async -> StepResult {
        let list: [Value]
        do {
            guard case .array(let items) = try foreach.render(in: context) else {
                return StepResult(
                    status: .failed, error: "foreach did not give a list", attempts: 1, startedAt: started,
                    finishedAt: Date())
            }
            list = items
        } catch {
            return StepResult(
                status: .failed, error: "foreach: \(error.message)", attempts: 1, startedAt: started, finishedAt: Date()
            )
        }
        var outputs = [Value?](repeating: nil, count: list.count)
        for (i, value) in finishedItems where i < list.count { outputs[i] = value }
        let pending = list.indices.filter { outputs[$0] == nil }
        let width = max(1, step.maxParallel ?? list.count)
        var failures: [(Int, Outcome)] = []
        var attemptsTotal = 0
        await withTaskGroup(of: (Int, Outcome).self) { group in
            var next = pending.makeIterator()
            var inFlight = 0
            func launch() {
                guard failures.isEmpty, let i = next.next() else { return }
                inFlight += 1
                var itemContext = context
                itemContext.variables["item"] = list[i]
                itemContext.variables["index"] = .int(i)
                let first = (itemAttempts[i] ?? 0) + 1
                group.addTask {
                    // Returned after do/catch, not from inside it: the release build miscompiles a
                    // tuple returned from there (fixtures/compiler/task-group-tuple-return.swift).
                    let outcome: Outcome
                    do throws(EvaluationError) {
                        let params = try step.params.render(in: itemContext)
                        outcome = await attempts(params: params, item: i, from: first)
                    } catch {
                        outcome = Outcome(status: .failed, error: "params: \(error.message)", attempts: first)
                    }
                    return (i, outcome)
                }
            }
            for _ in 0..<min(width, pending.count) { launch() }
            while let (i, outcome) = await group.next() {
                inFlight -= 1
                attemptsTotal = max(attemptsTotal, outcome.attempts)
                if outcome.status == .succeeded {
                    outputs[i] = outcome.output
                } else {
                    failures.append((i, outcome))
                }
                launch()
            }
        }
        let finished = Date()
        if let (i, first) = failures.min(by: { $0.0 < $1.0 }) {
            let status: StepStatus = failures.allSatisfy { $0.1.status == .cancelled } ? .cancelled : .failed
            let more =
                failures.count > 1 ? " (and \(failures.count - 1) more item\(failures.count == 2 ? "" : "s"))" : ""
            return StepResult(
                status: status, output: nil, error: "item \(i): \(first.error ?? "failed")\(more)",
                errorOutput: .object(["results": .array(outputs.map { $0 ?? .null })]),
                attempts: max(1, attemptsTotal), startedAt: started, finishedAt: finished)
        }
        return StepResult(
            status: .succeeded, output: .array(outputs.map { $0 ?? .null }), attempts: max(1, attemptsTotal),
            startedAt: started, finishedAt: finished)
    }

    // MARK: attempts

    /// How a sequence of attempts (of the step, or of one foreach item) ended.
    struct Outcome: Sendable {
        var status: StepStatus
        var output: Value?
        var error: String?
        var errorOutput: Value?
        var attempts: Int
        var cached = false
    }

    private func attempts(params: Value, item: Int?, from first: Int) async -> Outcome {
        let cacheKey = step.cache.map { _ in Self.cacheKey(tool: step.tool, params: params) }
        if let cacheKey,
            let hit = try? services.store.snapshot({ tx in try tx.cachedOutput(cacheKey).map { try tx.value(of: $0) } })
        {
            services.emit(EventRecord(runID: runID, kind: "step.cached", stepID: step.id, item: item))
            let outcome = Outcome(status: .succeeded, output: hit, attempts: first, cached: true)
            await recordItem(outcome, item: item)
            return outcome
        }
        var attempt = first
        while true {
            if Task.isCancelled { return Outcome(status: .cancelled, error: "cancelled", attempts: attempt - 1) }
            if attempt > first || item != nil {
                services.emit(
                    EventRecord(runID: runID, kind: "step.started", stepID: step.id, item: item, attempt: attempt))
            }
            let result = await callWithRepeat(params: params, item: item, attempt: attempt)
            switch result {
            case .success(let output):
                let redacted = services.secrets.redact(output)
                if let cacheKey, let ttl = step.cache?.ttl, let stored = try? services.store.prepareOutput(redacted) {
                    let expires = Date().addingTimeInterval(ttl.seconds)
                    services.store.transactionLater { tx in try tx.cacheOutput(cacheKey, stored, expires: expires) }
                }
                let outcome = Outcome(status: .succeeded, output: redacted, attempts: attempt)
                await recordItem(outcome, item: item)
                return outcome
            case .failure(let error):
                let message = services.secrets.redact(error.message)
                let output = error.output.map(services.secrets.redact)
                if Task.isCancelled {
                    return Outcome(status: .cancelled, error: "cancelled", errorOutput: output, attempts: attempt)
                }
                guard retry.allowsRetry(of: error, attempt: attempt) else {
                    let outcome = Outcome(status: .failed, error: message, errorOutput: output, attempts: attempt)
                    await recordItem(outcome, item: item)
                    return outcome
                }
                let delay = retry.delay(after: attempt)
                let next = Date().addingTimeInterval(delay.seconds)
                // The retry's schedule is committed before waiting, so a restart waits out the
                // same backoff and continues with the next attempt instead of starting over.
                let record = StepRecord(
                    runID: runID, stepID: step.id, item: item ?? -1, status: .retrying, attempts: attempt,
                    nextAttemptAt: next, error: message)
                let event = EventRecord(
                    runID: runID, kind: "step.retrying", stepID: step.id, item: item, attempt: attempt,
                    data: .object(["error": .string(message), "delay_ms": .int(delay.milliseconds)]))
                await services.persist { tx in
                    try tx.saveStep(record)
                    try tx.appendEvent(event)
                }
                services.observer?.observe(event)
                do {
                    try await Task.sleep(for: delay)
                } catch {
                    return Outcome(status: .cancelled, error: "cancelled", attempts: attempt)
                }
                attempt += 1
            }
        }
    }

    /// A foreach item's final state is committed as soon as it ends, so a restart reruns only
    /// the items that had not finished.
    private func recordItem(_ outcome: Outcome, item: Int?) async {
        guard let item else { return }
        let stored = outcome.output.flatMap { try? services.store.prepareOutput($0) }
        let record = StepRecord(
            runID: runID, stepID: step.id, item: item, status: outcome.status, attempts: outcome.attempts,
            finishedAt: Date(), output: stored, error: outcome.error)
        await services.persist { tx in try tx.saveStep(record) }
    }

    private func callWithRepeat(params: Value, item: Int?, attempt: Int) async -> Result<Value, ToolError> {
        guard let repeatPolicy = step.repeatPolicy else {
            return await call(params: params, item: item, attempt: attempt, iteration: 1)
        }
        var iteration = 1
        while true {
            let result = await call(params: params, item: item, attempt: attempt, iteration: iteration)
            guard case .success(let output) = result else { return result }
            var untilContext = context
            untilContext.variables["output"] = output
            do {
                if try repeatPolicy.until.evaluate(in: untilContext).isTruthy { return .success(output) }
            } catch {
                return .failure(ToolError("repeat.until: \(error.message)", output: output))
            }
            if iteration >= repeatPolicy.maxIterations {
                return .failure(
                    ToolError(
                        "repeat.until was still false after \(iteration) iteration\(iteration == 1 ? "" : "s")",
                        output: output))
            }
            do {
                try await Task.sleep(for: repeatPolicy.interval)
            } catch {
                return .failure(ToolError("cancelled"))
            }
            iteration += 1
        }
    }

    /// One tool call: through the global limiter, bounded by the step's timeout.
    private func call(params: Value, item: Int?, attempt: Int, iteration: Int) async -> Result<Value, ToolError> {
        // Items and repeat iterations are separate calls, so each gets its own idempotency key.
        var callID = step.id
        if let item { callID += "[\(item)]" }
        if iteration > 1 { callID += "@\(iteration)" }
        let secrets = services.secrets
        let observer = services.observer
        let store = services.store
        let runID = self.runID
        let stepID = step.id
        // Pieces of an over-long line are redacted together: the tail of each piece waits for
        // the next one, so a secret cut in two is still recognised.
        let held = Mutex([String: String]())
        let log = ToolLog { line in
            let key = line.stream ?? ""
            let text = held.withLock { $0.removeValue(forKey: key) ?? "" } + line.message
            let message: String
            if line.continues {
                let (shown, rest) = secrets.redactPrefix(text)
                held.withLock { $0[key] = rest }
                message = shown
            } else {
                message = secrets.redact(text)
            }
            let event = EventRecord(
                runID: runID, kind: "log", stepID: stepID, item: item, attempt: attempt,
                data: .object([
                    "level": .string(line.level), "message": .string(message),
                    "stream": line.stream.map(Value.string) ?? .null,
                ]))
            observer?.observe(event)
            store.transactionLater { tx in try tx.appendEvent(event) }
        }
        let toolCall = ToolCall(
            tool: step.tool, params: params, runID: runID, stepID: callID, attempt: attempt, checkout: checkout,
            timeout: timeout, log: log, secrets: services.secrets, isolation: services.isolation)
        await services.limiter.acquire()
        let result = await Self.perform(toolCall, tools: services.tools, timeout: timeout)
        services.limiter.release()
        return result
    }

    private static func perform(_ toolCall: ToolCall, tools: any ToolInvoker, timeout: Duration?) async
        -> Result<Value, ToolError>
    {
        guard let timeout else {
            do { return .success(try await tools.call(toolCall)) } catch { return .failure(error) }
        }
        let (result, timedOut) = await withTimeout(timeout) { () async -> Result<Value, ToolError> in
            do throws(ToolError) { return .success(try await tools.call(toolCall)) } catch {
                return .failure(error)
            }
        }
        return timedOut
            ? .failure(ToolError("timed out after \(DurationText.format(timeout))", transient: true)) : result
    }

    // MARK: helpers

    private func cancelled(_ started: Date, attempts: Int) -> StepResult {
        StepResult(status: .cancelled, error: "cancelled", attempts: attempts, startedAt: started, finishedAt: Date())
    }

    private func describe(_ params: TemplateValue) -> String {
        params.templates.first { $0.containsExpressions }.map { "'\($0.source)'" } ?? "params"
    }

    /// The cache key: the tool and its fully rendered params.
    static func cacheKey(tool: ToolReference, params: Value) -> String {
        ArtifactStore.digest(Array("\(tool)\n\(params.jsonString())".utf8))
    }
}
