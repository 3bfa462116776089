import Foundation
import SireCore

extension Scheduler {
    /// Hands due ticks out until the calling task is cancelled, then waits for the ticks already
    /// handed out to be answered and recorded.
    package func run() async {
        guard !running else {
            logger.warning("scheduler already running")
            return
        }
        running = true
        while !Task.isCancelled {
            dispatchDue()
            notifyIfIdle()
            let horizon = clock.now().addingTimeInterval(maxSleep)
            await park(until: min(heap.top?.deadline ?? horizon, horizon))
        }
        running = false
        for chain in chains.values { await chain.task.value }
    }

    /// Sleeps until `deadline`, a change to the heap, or cancellation.
    func park(until deadline: Date) async {
        if wakePending {
            wakePending = false
            return
        }
        parkGeneration += 1
        let generation = parkGeneration
        let sleeper = Task { [clock] in
            // Cancelled means woken by something else: nothing to report.
            guard (try? await clock.sleep(until: deadline)) != nil else { return }
            self.wake(generation)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume()
                } else {
                    parked = continuation
                }
            }
        } onCancel: {
            Task { await self.wake(nil) }
        }
        sleeper.cancel()
    }

    /// Resumes the parked loop; `generation` (a timer's) is ignored once that sleep is over.
    func wake(_ generation: UInt64?) {
        if let generation, generation != parkGeneration { return }
        if let parked {
            self.parked = nil
            parked.resume()
        } else if generation == nil {
            wakePending = true
        }
    }

    /// Wakes the loop to look at the heap again.
    func wakeLoop() {
        if running { wake(nil) }
    }

    /// Hands every tick due by now to `fire`, in deadline order.
    func dispatchDue() {
        let now = clock.now()
        while let top = heap.top, top.deadline <= now {
            heap.pop()
            let id = top.payload.workflowID
            guard var plan = plans[id], plan.generation == top.payload.generation else { continue }
            var ticks = plan.pending
            plan.pending = []
            var cursor = plan.cursor
            let lateLimit = now.addingTimeInterval(-lateTolerance)
            if cursor < lateLimit {
                // The loop fell far behind (the machine slept, the clock jumped).
                ticks += missedTicks(plan, after: cursor, through: lateLimit, now: now)
                cursor = lateLimit
            }
            ticks += plan.timeline.ticks(after: cursor, through: now).map { plan.tick($0, isCatchup: false) }
            plan.cursor = now
            plans[id] = plan
            for tick in ticks { dispatch(tick) }
            schedule(id)
        }
    }

    /// The ticks in `(lower, upper]` that the workflow's catch-up policy fires, as of `now`.
    func missedTicks(_ plan: Plan, after lower: Date, through upper: Date, now: Date) -> [ScheduleTick] {
        let policy = plan.entry.catchup ?? CatchupPolicy()
        let count: Int
        switch policy.mode {
        case .none: return []
        case .latest: count = 1
        case .all: count = catchupLimit
        }
        let window = policy.window?.timeInterval ?? catchupWindow
        let oldest = max(lower, now.addingTimeInterval(-window))
        return plan.timeline.newest(count, after: oldest, through: upper).map { plan.tick($0, isCatchup: true) }
    }

    /// Starts `tick` after the workflow's previous tick has finished.
    func dispatch(_ tick: ScheduleTick) {
        let id = tick.workflowID
        let previous = chains[id]?.task
        nextSequence += 1
        let sequence = nextSequence
        inFlight += 1
        let task = Task {
            await previous?.value
            await self.fireAndRecord(tick, sequence: sequence)
        }
        chains[id] = (sequence, task)
    }

    func fireAndRecord(_ tick: ScheduleTick, sequence: UInt64) async {
        if !tick.isCatchup { record(lateness: clock.now().timeIntervalSince(tick.time)) }
        logger.debug(
            "schedule tick",
            metadata: ["workflow": "\(tick.workflowID)", "tick": "\(tick.time)", "catchup": "\(tick.isCatchup)"])
        guard await handOut(tick) else {
            logger.debug(
                "schedule tick not fired: nobody takes ticks any more; it fires after a restart",
                metadata: ["workflow": "\(tick.workflowID)", "tick": "\(tick.time)"])
            if chains[tick.workflowID]?.sequence == sequence { chains[tick.workflowID] = nil }
            inFlight -= 1
            notifyIfIdle()
            return
        }
        do {
            let (id, time) = (tick.workflowID, tick.time)
            try await store.transaction { tx in try tx.setLastTick(id, time) }
        } catch {
            logger.error(
                "cannot record the schedule tick; it may fire again after a restart",
                metadata: ["workflow": "\(tick.workflowID)", "tick": "\(tick.time)", "error": "\(error)"])
        }
        if chains[tick.workflowID]?.sequence == sequence { chains[tick.workflowID] = nil }
        inFlight -= 1
        notifyIfIdle()
    }

    func record(lateness seconds: TimeInterval) {
        SireMetrics.scheduleLate(seconds: seconds)
        let sample = Duration.nanoseconds(Int64((max(0, seconds) * 1e9).rounded()))
        if lateness.count < Self.latenessCapacity {
            lateness.append(sample)
        } else {
            lateness[latenessNext] = sample
            latenessNext = (latenessNext + 1) % Self.latenessCapacity
        }
    }
}

extension Scheduler {
    /// Puts `tick` on ``dueTicks`` and waits for the consumer's answer: whether it was fired.
    func handOut(_ tick: ScheduleTick) async -> Bool {
        let unanswered = self.unanswered, sink = self.dueSink
        return await withCheckedContinuation { continuation in
            let answer = unanswered.add(continuation)
            if case .terminated = sink.yield(DueTick(tick: tick, answer: answer)) {
                answer.resume(false)
            }
        }
    }
}
