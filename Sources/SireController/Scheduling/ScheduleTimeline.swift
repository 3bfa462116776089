import Foundation
import SireCore

/// The merged fire times of one workflow's schedules: the pure time arithmetic behind
/// ``Scheduler``.
///
/// Several schedules firing at the same instant give one tick, credited to the first of them
/// in file order.
struct ScheduleTimeline: Sendable {
    struct Tick: Sendable, Hashable {
        var time: Date
        var scheduleIndex: Int
    }

    private let schedules: [(index: Int, cron: CronSchedule, zone: TimeZone)]

    /// The schedules of `entries` whose time zone is known; `unknownZone` hears about the rest
    /// (validation rejects them, so this only guards against a zone the system lacks).
    init(_ entries: [ScheduleTrigger], unknownZone: (Int, String) -> Void = { _, _ in }) {
        schedules = entries.enumerated().compactMap { index, trigger in
            guard let zone = TimeZone(identifier: trigger.timeZone) else {
                unknownZone(index, trigger.timeZone)
                return nil
            }
            return (index, trigger.cron, zone)
        }
    }

    /// The first tick strictly after `date`.
    func next(after date: Date) -> Tick? {
        var best: Tick?
        for schedule in schedules {
            guard let time = schedule.cron.nextFire(after: date, in: schedule.zone) else { continue }
            if best == nil || time < best!.time { best = Tick(time: time, scheduleIndex: schedule.index) }
        }
        return best
    }

    /// The ticks in `(lower, upper]`, oldest first, stopping after `limit` of them.
    func ticks(after lower: Date, through upper: Date, limit: Int = .max) -> [Tick] {
        var result: [Tick] = []
        var cursor = lower
        while result.count < limit, let tick = next(after: cursor), tick.time <= upper {
            result.append(tick)
            cursor = tick.time
        }
        return result
    }

    /// The newest `count` ticks in `(lower, upper]`, oldest first.
    ///
    /// Looks back from `upper` over growing spans (a minute, an hour, a day, a month, a year,
    /// then everything) so a frequent schedule is not walked tick by tick across a long
    /// downtime; `scanLimit` bounds the walk of the last span.
    func newest(_ count: Int, after lower: Date, through upper: Date, scanLimit: Int = 1_000_000) -> [Tick] {
        guard count > 0, lower < upper else { return [] }
        let spans: [TimeInterval] = [60, 3600, 86400, 31 * 86400, 366 * 86400, .infinity]
        for span in spans {
            let start = span.isFinite ? max(lower, upper.addingTimeInterval(-span)) : lower
            var kept: [Tick] = []
            var cursor = start
            var scanned = 0
            while scanned < scanLimit, let tick = next(after: cursor), tick.time <= upper {
                kept.append(tick)
                // Trimmed in halves so the walk stays linear.
                if kept.count >= 2 * count { kept.removeFirst(kept.count - count) }
                cursor = tick.time
                scanned += 1
            }
            if kept.count >= count || start == lower { return Array(kept.suffix(count)) }
        }
        return []
    }
}
