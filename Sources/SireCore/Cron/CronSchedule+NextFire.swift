import Foundation

extension CronSchedule {
    /// How far ahead ``nextFire(after:in:)`` looks before giving up: long enough that any
    /// February 29th is found, even across the skipped leap day of 2100.
    static let horizonSeconds = 9 * 366 * CivilTime.secondsPerDay

    /// Days looked back before `date`, so a local time already lived before a fall-back
    /// transition is recognised as a repeat and not fired twice.
    static let lookBackSeconds = 2 * CivilTime.secondsPerDay

    /// The first instant strictly after `date` at which the schedule fires in `timeZone`.
    ///
    /// Daylight saving follows SPEC §5: local times skipped by a spring-forward transition
    /// fire once, at the instant the clocks jump (all skipped matches coalesce into that one
    /// fire); a local time that occurs twice fires only at its first occurrence. Returns nil
    /// when nothing fires within about nine years (for example `0 0 30 2 *`).
    ///
    /// The search walks the zone's offset segments and, inside each, jumps field by field
    /// (month, day, hour, minute, second) instead of scanning time.
    public func nextFire(after date: Date, in timeZone: TimeZone) -> Date? {
        let interval = date.timeIntervalSince1970
        // Year ±1,000,000 bounds: far beyond any schedule, well inside Int arithmetic.
        guard interval.isFinite, abs(interval) < 3e13 else { return nil }
        let start = Int(interval.rounded(.down)) + 1
        var segmentStart = start - Self.lookBackSeconds
        var offset = timeZone.secondsFromGMT(for: Self.date(segmentStart))
        let horizonWall = start + offset + Self.horizonSeconds
        // The latest local time already lived through; later segments must not repeat it.
        var coveredWall = Int.min
        // A match found in an earlier segment stays valid as a lower bound for later ones.
        var pending: Int?

        for _ in 0..<4096 {
            let transition = timeZone.nextDaylightSavingTimeTransition(
                after: Self.date(segmentStart)
            )
            .map { Int($0.timeIntervalSince1970.rounded()) }
            .flatMap { $0 > segmentStart ? $0 : nil }
            let nextOffset =
                transition.map { timeZone.secondsFromGMT(for: Self.date($0)) } ?? offset
            let segmentEnd = transition ?? Int.max
            if segmentEnd > start {
                let lower = max(segmentStart + offset, coveredWall, start + offset)
                // Local times up to the end of this segment, plus any gap the next one skips.
                let endWall =
                    transition.map { min($0 + max(offset, nextOffset), horizonWall) }
                    ?? horizonWall
                let wall: Int?
                if let p = pending, p >= lower {
                    wall = p < endWall ? p : nil
                } else {
                    pending = firstMatch(atOrAfter: lower, before: horizonWall)
                    wall = pending.flatMap { $0 < endWall ? $0 : nil }
                }
                if let wall {
                    // A match inside the spring-forward gap fires when the clocks jump.
                    return Self.date(min(wall - offset, segmentEnd))
                }
                if pending == nil || endWall >= horizonWall { return nil }
            }
            guard let transition else { return nil }
            coveredWall = max(coveredWall, transition + offset)
            segmentStart = transition
            offset = nextOffset
        }
        return nil
    }

    /// The next `count` fire times strictly after `after`, in order (fewer if the schedule
    /// stops firing within the search horizon).
    public func nextFires(after: Date, in timeZone: TimeZone, count: Int) -> [Date] {
        var result: [Date] = []
        result.reserveCapacity(max(0, count))
        var cursor = after
        while result.count < count, let next = nextFire(after: cursor, in: timeZone) {
            result.append(next)
            cursor = next
        }
        return result
    }

    static func date(_ seconds: Int) -> Date {
        Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// The first local wall time (seconds since 1970-01-01T00:00 on the local clock) at or
    /// after `wall` that the fields match, if it is before `limit`.
    func firstMatch(atOrAfter wall: Int, before limit: Int) -> Int? {
        let f = fields
        var dayNumber = CivilTime.floorDiv(wall, CivilTime.secondsPerDay)
        var (year, month, day) = CivilTime.date(days: dayNumber)
        let secondOfDay = wall - dayNumber * CivilTime.secondsPerDay
        var hour = secondOfDay / 3600
        var minute = secondOfDay / 60 % 60
        var second = secondOfDay % 60

        func nextDay() {
            dayNumber += 1
            day += 1
            if day > CivilTime.daysInMonth(year: year, month: month) {
                day = 1
                month += 1
                if month > 12 {
                    month = 1
                    year += 1
                }
            }
            hour = 0
            minute = 0
            second = 0
        }

        while dayNumber * CivilTime.secondsPerDay < limit {
            guard f.months & (1 << UInt64(month)) != 0 else {
                if let m = CronFields.next(in: f.months, from: month + 1), m <= 12 {
                    month = m
                } else {
                    // Every mask holds at least one month, so this terminates.
                    year += 1
                    month = f.months.trailingZeroBitCount
                }
                day = 1
                dayNumber = CivilTime.days(year: year, month: month, day: 1)
                hour = 0
                minute = 0
                second = 0
                continue
            }
            guard f.matchesDay(year: year, month: month, day: day, dayNumber: dayNumber),
                let h = CronFields.next(in: f.hours, from: hour), h < 24
            else {
                nextDay()
                continue
            }
            if h != hour {
                hour = h
                minute = 0
                second = 0
            }
            guard let m = CronFields.next(in: f.minutes, from: minute), m < 60 else {
                hour += 1
                minute = 0
                second = 0
                if hour == 24 { nextDay() }
                continue
            }
            if m != minute {
                minute = m
                second = 0
            }
            guard let s = CronFields.next(in: f.seconds, from: second), s < 60 else {
                minute += 1
                second = 0
                if minute == 60 {
                    minute = 0
                    hour += 1
                    if hour == 24 { nextDay() }
                }
                continue
            }
            let result = dayNumber * CivilTime.secondsPerDay + hour * 3600 + minute * 60 + s
            return result < limit ? result : nil
        }
        return nil
    }
}
