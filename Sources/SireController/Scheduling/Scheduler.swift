import Foundation
import Logging
import SireCore
import SireStore

/// Fires the deployed workflows' cron schedules: a timer heap of next fire times, slept on
/// with the injected clock, never polled.
///
/// The loop in ``run()`` sleeps until the earliest deadline and is woken early when
/// ``set(_:)`` or ``remove(_:)`` changes the heap. Each due tick goes out on ``dueTicks``, chained
/// per workflow so one workflow's ticks stay in order while a slow consumer of one never holds
/// up another workflow. Once the consumer says ``DueTick/done(fired:)``, the tick is durably
/// recorded as the workflow's bookmark (`setLastTick`); firing must be idempotent on
/// ``ScheduleTick/key`` because a crash between the two fires the tick again. A tick the
/// consumer never took (it stopped) is not recorded, so it fires after a restart.
///
/// Missed ticks: a tick less than `lateTolerance` late (default 60 s) fires normally. Older ones
/// (the controller was down, or the machine slept) follow the workflow's ``CatchupPolicy``:
/// `none` skips them, `latest` fires the newest one, `all` fires them oldest first, at most
/// `catchupLimit` (default 1,000, the newest). Only ticks newer than the policy's `window` are
/// caught up; a policy without a window gets `defaultCatchupWindow` (24 h), so a controller
/// back after a month does not replay it. A workflow the store has no bookmark for is new:
/// its schedules start from now, with nothing to catch up.
///
/// The loop never sleeps longer than `maxSleep` (default 5 minutes) at a time, so a step of
/// the wall clock (the system clock sleeps on a monotonic one) is noticed within that time.
package actor Scheduler {
    /// The catch-up window of a policy that does not set one.
    package static let defaultCatchupWindow: Duration = .seconds(24 * 3600)

    let clock: any ControllerClock
    let store: Store
    let logger: Logger
    /// The due ticks, for one consumer (the controller) to fire.
    package nonisolated let dueTicks: AsyncStream<DueTick>
    let dueSink: AsyncStream<DueTick>.Continuation
    /// Answers of ticks handed out and not yet answered: a consumer that stops leaves them
    /// unanswered, and they are answered "not fired" then.
    let unanswered = Unanswered()
    let lateTolerance: TimeInterval
    let catchupWindow: TimeInterval
    let catchupLimit: Int
    let maxSleep: TimeInterval

    /// Per workflow: what it fires and how far it got.
    var plans: [String: Plan] = [:]
    /// Workflows removed in this process: set again, they start afresh and catch nothing up.
    var removed: Set<String> = []
    var heap = TimerHeap<HeapKey>()
    var nextGeneration: UInt64 = 0

    /// The tail of each workflow's chain of fire tasks.
    var chains: [String: (sequence: UInt64, task: Task<Void, Never>)] = [:]
    var nextSequence: UInt64 = 0
    var inFlight = 0

    var running = false
    var parked: CheckedContinuation<Void, Never>?
    var parkGeneration: UInt64 = 0
    var wakePending = false
    var idleWaiters: [CheckedContinuation<Void, Never>] = []

    var lateness: [Duration] = []
    var latenessNext = 0
    static let latenessCapacity = 10_000

    /// A scheduler that hands due ticks out on ``dueTicks`` and bookmarks them in `store`.
    package init(
        clock: any ControllerClock, store: Store, logger: Logger = Logger(label: "sire.scheduler"),
        lateTolerance: Duration = .seconds(60), catchupWindow: Duration = Scheduler.defaultCatchupWindow,
        catchupLimit: Int = 1000, maxSleep: Duration = .seconds(300)
    ) {
        self.clock = clock
        self.store = store
        self.logger = logger
        self.lateTolerance = lateTolerance.timeInterval
        self.catchupWindow = catchupWindow.timeInterval
        self.catchupLimit = catchupLimit
        self.maxSleep = maxSleep.timeInterval
        (dueTicks, dueSink) = AsyncStream.makeStream(of: DueTick.self)
        dueSink.onTermination = { [unanswered] _ in unanswered.answerAll(fired: false) }
    }

    // MARK: entries

    /// Adds or replaces a workflow's schedules.
    ///
    /// A replaced entry (a new version) keeps its place: ticks up to now are not fired again,
    /// and the new schedules count from now.
    /// A workflow new to this scheduler starts from the store's bookmark, catching up what it
    /// missed per its policy, or from now when it has none.
    package func set(_ entry: ScheduleEntry) async {
        let id = entry.workflowID
        let timeline = ScheduleTimeline(entry.schedules) { [logger] index, zone in
            logger.warning(
                "schedule ignored: unknown time zone",
                metadata: ["workflow": "\(id)", "schedule": "\(index)", "timezone": "\(zone)"])
        }
        nextGeneration += 1
        let now = clock.now()
        var persistNow = false
        if plans[id] != nil {
            // Ticks the old schedules owe up to now fire under them; the new schedules start
            // from now (their past instants were never due, so never missed).
            if running { dispatchDue() }
            var plan = plans[id]!
            plan.cursor = max(plan.cursor, now)
            plan.entry = entry
            plan.timeline = timeline
            plan.generation = nextGeneration
            plans[id] = plan
        } else {
            var plan = Plan(entry: entry, timeline: timeline, cursor: now, generation: nextGeneration)
            if !removed.contains(id), let bookmark = bookmark(of: id), bookmark < now {
                plan.pending = missedTicks(plan, after: bookmark, through: now, now: now)
            }
            // Nothing pending: every tick up to now is handled (skipped), which a restart
            // must know to catch up from here and not from an older bookmark, or from nothing.
            persistNow = plan.pending.isEmpty
            removed.remove(id)
            plans[id] = plan
        }
        compactHeap()
        schedule(id)
        wakeLoop()
        if persistNow {
            store.transactionLater { tx in try tx.setLastTick(id, now) }
        }
    }

    /// Stops firing a workflow's schedules. Ticks already handed to `fire` still finish.
    package func remove(_ workflowID: String) {
        guard plans.removeValue(forKey: workflowID) != nil else { return }
        removed.insert(workflowID)
        compactHeap()
        wakeLoop()
        notifyIfIdle()
    }

    // MARK: status

    /// The next fire time of every workflow, soonest first, at most `limit` of them.
    package func nextFires(limit: Int = .max) -> [(workflowID: String, time: Date)] {
        plans.compactMap { id, plan in plan.nextDeadline().map { (workflowID: id, time: $0) } }
            .sorted { ($0.time, $0.workflowID) < ($1.time, $1.workflowID) }
            .prefix(limit).map { $0 }
    }

    /// When `workflowID` next fires (a pending catch-up tick counts: it fires at once).
    package func nextFire(of workflowID: String) -> Date? {
        plans[workflowID]?.nextDeadline()
    }

    /// How late recent scheduled ticks were fired (fire start − nominal time), oldest first;
    /// the latest 10,000. Caught-up ticks are late on purpose and not counted.
    package func latenessSamples() -> [Duration] {
        Array(lateness[latenessNext...] + lateness[..<latenessNext])
    }

    /// Returns once every due tick has been handed to `fire` and recorded: nothing is in
    /// flight and the next deadline is in the future. Only returns while ``run()`` runs.
    package func waitUntilIdle() async {
        if isIdle { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    // MARK: internals

    /// The bookmark in the store; a store that cannot be read means no catch-up.
    func bookmark(of id: String) -> Date? {
        do {
            return try store.snapshot { tx in try tx.lastTick(id) }
        } catch {
            logger.error("cannot read the schedule bookmark", metadata: ["workflow": "\(id)", "error": "\(error)"])
            return nil
        }
    }

    /// Pushes the workflow's next deadline onto the heap.
    func schedule(_ id: String) {
        guard let plan = plans[id], let deadline = plan.nextDeadline() else { return }
        heap.push(deadline, HeapKey(workflowID: id, generation: plan.generation))
    }

    /// Drops stale heap keys once they outnumber the live ones (they are otherwise only
    /// skipped when they surface, which a far-off deadline may never do).
    func compactHeap() {
        guard heap.count > 2 * plans.count + 64 else { return }
        heap.filter { plans[$0.payload.workflowID]?.generation == $0.payload.generation }
    }

    var isIdle: Bool {
        guard inFlight == 0 else { return false }
        guard let top = heap.top else { return true }
        return top.deadline > clock.now()
    }

    func notifyIfIdle() {
        guard !idleWaiters.isEmpty, isIdle else { return }
        let waiters = idleWaiters
        idleWaiters = []
        for waiter in waiters { waiter.resume() }
    }
}

extension Scheduler {
    /// One workflow's schedules and progress.
    struct Plan {
        var entry: ScheduleEntry
        var timeline: ScheduleTimeline
        /// Every tick at or before this instant has been dispatched or skipped.
        var cursor: Date
        var generation: UInt64
        /// Caught-up ticks waiting for the loop, oldest first.
        var pending: [ScheduleTick] = []

        func nextDeadline() -> Date? {
            pending.first?.time ?? timeline.next(after: cursor)?.time
        }

        func tick(_ tick: ScheduleTimeline.Tick, isCatchup: Bool) -> ScheduleTick {
            ScheduleTick(
                workflowID: entry.workflowID, version: entry.version, time: tick.time,
                scheduleIndex: tick.scheduleIndex, inputs: entry.schedules[tick.scheduleIndex].inputs,
                isCatchup: isCatchup)
        }
    }

    /// A heap entry: stale once the workflow's plan has a newer generation or is gone.
    struct HeapKey {
        var workflowID: String
        var generation: UInt64
    }
}
