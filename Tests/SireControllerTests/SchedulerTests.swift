import Foundation
import SireController
import SireCore
import SireStore
import SireTestSupport
import Testing

/// The scheduler on a manual clock over a real SQLite store.
@Suite("Scheduler") struct SchedulerTests {
    let t0 = at("2026-01-01T00:00:00Z")

    @Test("seconds-level crons of several workflows fire on time, in time order, and are bookmarked")
    func secondsCronInOrder() async throws {
        let f = try SchedulerFixture(start: t0)
        await f.scheduler.set(.make("even", ["*/2 * * * * *"]))
        await f.scheduler.set(.make("thirds", ["*/3 * * * * *"]))
        #expect(await f.scheduler.nextFire(of: "even") == t0 + 2)
        await f.step(to: t0 + 12)

        let ticks = await f.log.ticks
        let offsets = ticks.map { Int($0.time.timeIntervalSince(t0)) }
        #expect(offsets == offsets.sorted())
        #expect(
            ticks.filter { $0.workflowID == "even" }.map { Int($0.time.timeIntervalSince(t0)) } == [2, 4, 6, 8, 10, 12])
        #expect(ticks.filter { $0.workflowID == "thirds" }.map { Int($0.time.timeIntervalSince(t0)) } == [3, 6, 9, 12])
        #expect(ticks.allSatisfy { !$0.isCatchup && $0.version == "v1" && $0.inputs == ["schedule": .int(0)] })
        #expect(await f.scheduler.latenessSamples() == Array(repeating: .zero, count: 10))
        #expect(try f.bookmark("even") == t0 + 12)
        #expect(try f.bookmark("thirds") == t0 + 12)
        #expect(await f.scheduler.nextFires(limit: 5).map(\.workflowID) == ["even", "thirds"])
        #expect(f.clock.sleeperCount == 1, "one timer, no polling")
        #expect(f.clock.nextDeadline == t0 + 14)
        await f.discard()
    }

    /// SPEC §5: a skipped local time fires once when the clocks jump; a repeated one fires once.
    @Test(
        "Europe/Paris 02:30 daily across daylight saving",
        arguments: [
            // Spring forward: 02:30 does not exist on 2026-03-29; fires at 03:00 CEST (01:00Z).
            ("2026-03-28T12:00:00Z", "2026-03-30T12:00:00Z", ["2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"]),
            // Fall back: 02:30 happens twice on 2026-10-25; only the first (CEST, 00:30Z) fires.
            ("2026-10-24T12:00:00Z", "2026-10-26T12:00:00Z", ["2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"]),
        ])
    func parisDaylightSaving(start: String, end: String, expected: [String]) async throws {
        let f = try SchedulerFixture(start: at(start))
        await f.scheduler.set(.make("nightly", ["30 2 * * *"], zone: "Europe/Paris"))
        await f.step(to: at(end))
        #expect(await f.log.ticks.map(\.time) == expected.map(at))
        await f.discard()
    }

    @Test("two schedules landing on the same instant give one tick, credited to the first")
    func sameInstantOneTick() async throws {
        let f = try SchedulerFixture(start: t0)
        await f.scheduler.set(.make("both", ["*/30 * * * * *", "0 * * * * *"]))
        await f.step(to: t0 + 120)
        let ticks = await f.log.ticks
        #expect(ticks.map { Int($0.time.timeIntervalSince(t0)) } == [30, 60, 90, 120])
        #expect(ticks.map(\.scheduleIndex) == [0, 0, 0, 0])

        // The second schedule alone on its instants: its own index and inputs.
        await f.scheduler.set(.make("both", ["0 0 1 1 *", "0 * * * * *"], version: "v2"))
        await f.step(to: t0 + 180)
        let later = await f.log.ticks.dropFirst(4)
        #expect(later.map { Int($0.time.timeIntervalSince(t0)) } == [180])
        #expect(later.map(\.scheduleIndex) == [1])
        #expect(later.map(\.inputs) == [["schedule": .int(1)]])
        await f.discard()
    }

    @Test("replacing a workflow's schedules keeps its place; removing it stops its ticks")
    func replaceAndRemove() async throws {
        let f = try SchedulerFixture(start: t0)
        await f.scheduler.set(.make("wf", ["* * * * * *"]))
        await f.scheduler.set(.make("other", ["*/5 * * * * *"]))
        await f.step(to: t0 + 3)
        await f.scheduler.set(.make("wf", ["*/10 * * * * *"], version: "v2"))
        await f.step(to: t0 + 20)
        await f.scheduler.remove("wf")
        #expect(await f.scheduler.nextFire(of: "wf") == nil)
        await f.step(to: t0 + 40)

        let wf = await f.log.ticks.filter { $0.workflowID == "wf" }
        #expect(wf.map { Int($0.time.timeIntervalSince(t0)) } == [1, 2, 3, 10, 20])
        #expect(wf.map(\.version) == ["v1", "v1", "v1", "v2", "v2"])
        let other = await f.log.ticks.filter { $0.workflowID == "other" }
        #expect(other.map { Int($0.time.timeIntervalSince(t0)) } == [5, 10, 15, 20, 25, 30, 35, 40])
        await f.discard()
    }

    @Test("a replaced schedule starts from now: the new cron's past instants were never missed")
    func replacementStartsFromNow() async throws {
        let f = try SchedulerFixture(start: t0)
        let all = CatchupPolicy(mode: .all)
        await f.scheduler.set(.make("wf", ["0 0 1 1 *"], catchup: all))
        await f.step(to: t0 + 3600)
        await f.scheduler.set(.make("wf", ["*/10 * * * * *"], version: "v2", catchup: all))
        await f.scheduler.waitUntilIdle()
        #expect(await f.log.ticks.isEmpty)
        await f.step(to: t0 + 3620)
        #expect(await f.log.ticks.map { Int($0.time.timeIntervalSince(t0)) } == [3610, 3620])
        await f.discard()
    }

    /// Downtime: bookmark at t0, controller back at t0 + 10h20m; hourly ticks at 1h…10h missed.
    @Test(
        "catch-up after downtime follows the policy and its window",
        arguments: [
            (CatchupPolicy?.none, [Int]()),
            (CatchupPolicy(mode: .none), []),
            (CatchupPolicy(mode: .latest), [10]),
            (CatchupPolicy(mode: .latest, window: .seconds(30 * 60)), [10]),
            (CatchupPolicy(mode: .latest, window: .seconds(10 * 60)), []),
            (CatchupPolicy(mode: .all), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
            (CatchupPolicy(mode: .all, window: .seconds(3 * 3600)), [8, 9, 10]),
        ])
    func catchup(policy: CatchupPolicy?, expectedHours: [Int]) async throws {
        let now = t0 + 10 * 3600 + 20 * 60
        let f = try SchedulerFixture(start: now)
        try await f.setBookmark("hourly", t0)
        await f.scheduler.set(.make("hourly", ["0 * * * *"], catchup: policy))
        await f.scheduler.waitUntilIdle()

        let ticks = await f.log.ticks
        #expect(ticks.map { Int($0.time.timeIntervalSince(t0)) / 3600 } == expectedHours)
        #expect(ticks.allSatisfy { $0.isCatchup })
        #expect(await f.scheduler.latenessSamples().isEmpty, "catch-up lateness is not scheduling lateness")
        #expect(await f.scheduler.nextFire(of: "hourly") == t0 + 11 * 3600)
        if let last = expectedHours.last { #expect(try f.bookmark("hourly") == t0 + TimeInterval(last * 3600)) }

        // Caught up or skipped, none of them fires again when time moves on.
        await f.step(to: t0 + 11 * 3600)
        #expect(await f.log.ticks.count == ticks.count + 1)
        #expect(await f.log.ticks.last?.isCatchup == false)
        await f.discard()
    }

    @Test("catch-up `all` is capped to the newest ticks; a workflow without a bookmark catches nothing up")
    func catchupCapAndNewWorkflow() async throws {
        let now = t0 + 3600
        let f = try SchedulerFixture(start: now, catchupLimit: 5)
        try await f.setBookmark("busy", t0)
        await f.scheduler.set(.make("busy", ["* * * * * *"], catchup: CatchupPolicy(mode: .all)))
        await f.scheduler.set(.make("fresh", ["* * * * * *"], catchup: CatchupPolicy(mode: .all)))
        await f.scheduler.waitUntilIdle()
        let ticks = await f.log.ticks
        #expect(ticks.map(\.workflowID) == Array(repeating: "busy", count: 5))
        #expect(ticks.map { Int($0.time.timeIntervalSince(t0)) } == [3596, 3597, 3598, 3599, 3600])
        await f.discard()
    }

    @Test("a restarted scheduler over the same store does not fire handled ticks again")
    func bookmarkSurvivesRestart() async throws {
        let policy = CatchupPolicy(mode: .all)
        let first = try SchedulerFixture(start: t0)
        await first.scheduler.set(.make("wf", ["*/5 * * * * *"], catchup: policy))
        await first.step(to: t0 + 20)
        #expect(await first.log.ticks.count == 4)
        await first.stop()

        // Back at once: nothing missed, nothing refired.
        let second = try SchedulerFixture(start: t0 + 20, reusing: first)
        await second.scheduler.set(.make("wf", ["*/5 * * * * *"], catchup: policy))
        await second.scheduler.waitUntilIdle()
        #expect(await second.log.ticks.isEmpty)
        await second.step(to: t0 + 30)
        #expect(await second.log.ticks.map { Int($0.time.timeIntervalSince(t0)) } == [25, 30])
        await second.stop()

        // Back after two minutes down: only the ticks after the bookmark are caught up.
        let third = try SchedulerFixture(start: t0 + 150, reusing: first)
        await third.scheduler.set(.make("wf", ["*/5 * * * * *"], catchup: policy))
        await third.scheduler.waitUntilIdle()
        let caught = await third.log.ticks
        #expect(caught.map { Int($0.time.timeIntervalSince(t0)) } == Array(stride(from: 35, through: 150, by: 5)))
        #expect(caught.allSatisfy { $0.isCatchup })
        await third.discard()
    }

    @Test("set() during a long sleep wakes the loop: the new schedule fires on time")
    func setWakesLongSleep() async throws {
        let f = try SchedulerFixture(start: t0)
        await f.scheduler.set(.make("yearly", ["0 0 1 1 *"]))
        await f.scheduler.waitUntilIdle()
        // Asleep for the longest nap the scheduler takes, not polling.
        #expect(await eventually { f.clock.nextDeadline == t0 + 300 && f.clock.sleeperCount == 1 })

        await f.scheduler.set(.make("soon", ["* * * * * *"]))
        // The loop re-arms its one timer for the earlier deadline instead of sleeping on.
        #expect(await eventually { f.clock.nextDeadline == t0 + 1 && f.clock.sleeperCount == 1 })
        f.clock.advance(to: t0 + 1)
        let ticks = await f.log.waitFor(1)
        #expect(ticks.map(\.workflowID) == ["soon"])
        #expect(ticks.first?.time == t0 + 1)
        await f.discard()
    }

    @Test("a slow fire does not hold up other workflows; its own ticks stay in order")
    func slowFireIsolated() async throws {
        let gate = Gate()
        let f = try SchedulerFixture(start: t0) { tick in
            if tick.workflowID == "slow" { await gate.wait() }
        }
        await f.scheduler.set(.make("slow", ["* * * * * *"]))
        await f.scheduler.set(.make("fast", ["* * * * * *"]))
        for second in 1...3 {
            f.clock.advance(to: t0 + TimeInterval(second))
            _ = await f.log.waitFor(second)
        }
        #expect(await f.log.ticks.map(\.workflowID) == ["fast", "fast", "fast"])
        await gate.open()
        let ticks = await f.log.waitFor(6)
        #expect(ticks.filter { $0.workflowID == "slow" }.map { Int($0.time.timeIntervalSince(t0)) } == [1, 2, 3])
        await f.scheduler.waitUntilIdle()
        #expect(try f.bookmark("slow") == t0 + 3)
        await f.discard()
    }

    @Test("a stalled loop fires recent late ticks normally, recording lateness, and treats older ones as missed")
    func stalledLoop() async throws {
        let f = try SchedulerFixture(start: t0, lateTolerance: .seconds(5))
        await f.scheduler.set(.make("wf", ["* * * * * *"], catchup: CatchupPolicy(mode: .latest)))
        await f.scheduler.waitUntilIdle()
        await f.jump(to: t0 + 4)
        #expect(await f.log.ticks.map { Int($0.time.timeIntervalSince(t0)) } == [1, 2, 3, 4])
        #expect(await f.scheduler.latenessSamples() == [.seconds(3), .seconds(2), .seconds(1), .zero])

        await f.jump(to: t0 + 60)
        let later = await f.log.ticks.dropFirst(4)
        // 5…55 are 5 s late or more: missed, and the latest policy catches up 55 alone.
        #expect(later.map { Int($0.time.timeIntervalSince(t0)) } == [55, 56, 57, 58, 59, 60])
        #expect(later.map(\.isCatchup) == [true, false, false, false, false, false])
        await f.discard()
    }
}

/// Holds tasks until opened.
actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }
}
