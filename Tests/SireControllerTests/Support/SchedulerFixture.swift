import Foundation
import SireController
import SireCore
import SireStore

/// The ticks a scheduler fired, in the order `fire` was called.
actor TickLog {
    private(set) var ticks: [ScheduleTick] = []

    func append(_ tick: ScheduleTick) {
        ticks.append(tick)
    }

    /// Waits (real time, up to `timeout`) until at least `count` ticks have fired.
    func waitFor(_ count: Int, timeout: Duration = .seconds(30)) async -> [ScheduleTick] {
        let deadline = ContinuousClock.now + timeout
        while ticks.count < count, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        return ticks
    }
}

/// Parses an RFC 3339 test time, failing loudly.
func at(_ text: String) -> Date {
    guard let date = RFC3339.parse(text) else { preconditionFailure("bad test time \(text)") }
    return date
}

func cron(_ text: String) -> CronSchedule {
    do { return try CronSchedule.parse(text) } catch { preconditionFailure("bad test cron \(text): \(error)") }
}

/// A scheduler on a manual clock over a real store in a temporary directory, running.
final class SchedulerFixture: Sendable {
    let directory: String
    let store: Store
    let clock: ManualClock
    let log = TickLog()
    let scheduler: Scheduler
    private let runner: Task<Void, Never>
    private let consumer: Task<Void, Never>

    /// A fresh state directory, or `reusing` another fixture's (a restarted controller).
    init(
        start: Date, reusing other: SchedulerFixture? = nil, lateTolerance: Duration = .seconds(60),
        catchupLimit: Int = 1000, gate: (@Sendable (ScheduleTick) async -> Void)? = nil
    ) throws {
        directory =
            other?.directory
            ?? URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("sire-scheduler-tests-\(UUID().uuidString)").path
        store = try Store(directory: directory)
        clock = ManualClock(start: start)
        let log = self.log
        scheduler = Scheduler(clock: clock, store: store, lateTolerance: lateTolerance, catchupLimit: catchupLimit)
        let scheduler = self.scheduler
        runner = Task { await scheduler.run() }
        // What the controller does with due ticks: fire each in a task of its own, then answer.
        consumer = Task {
            await withTaskGroup(of: Void.self) { group in
                for await due in scheduler.dueTicks {
                    group.addTask {
                        await gate?(due.tick)
                        await log.append(due.tick)
                        due.done()
                    }
                }
            }
        }
    }

    /// Stops the scheduler (waiting for in-flight ticks), then the consumer of its ticks; the
    /// directory stays for a restart.
    func stop() async {
        runner.cancel()
        await runner.value
        consumer.cancel()
        await consumer.value
    }

    /// Removes the state directory.
    func discard() async {
        await stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Moves time to `target` one deadline at a time, letting each tick fire on time.
    func step(to target: Date) async {
        while true {
            await scheduler.waitUntilIdle()
            guard let next = await scheduler.nextFires(limit: 1).first?.time, next <= target else { break }
            clock.advance(to: next)
        }
        clock.advance(to: target)
        await scheduler.waitUntilIdle()
    }

    /// Jumps straight to `target`, as if the loop had been stalled, and waits for the fallout.
    func jump(to target: Date) async {
        clock.advance(to: target)
        await scheduler.waitUntilIdle()
    }

    func bookmark(_ workflowID: String) throws -> Date? {
        try store.snapshot { tx in try tx.lastTick(workflowID) }
    }

    func setBookmark(_ workflowID: String, _ date: Date) async throws {
        try await store.transaction { tx in try tx.setLastTick(workflowID, date) }
    }
}

extension ScheduleEntry {
    /// An entry with one schedule per cron, in UTC unless `zone` says otherwise.
    static func make(
        _ id: String, _ crons: [String], zone: String = "UTC", version: String = "v1", catchup: CatchupPolicy? = nil
    ) -> ScheduleEntry {
        ScheduleEntry(
            workflowID: id, version: version,
            schedules: crons.enumerated().map { i, text in
                ScheduleTrigger(cron: cron(text), timeZone: zone, inputs: ["schedule": .int(i)])
            },
            catchup: catchup)
    }
}
