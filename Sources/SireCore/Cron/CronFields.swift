/// The set of values each cron field matches, as bit masks (bit `n` set = value `n` matches).
struct CronFields: Sendable, Hashable {
    var seconds: UInt64 = 1
    var minutes: UInt64 = 0
    var hours: UInt64 = 0
    /// Bits 1-31.
    var daysOfMonth: UInt64 = 0
    /// `L` in day-of-month: the month's last day, whatever its number.
    var lastDayOfMonth = false
    /// Bits 1-12.
    var months: UInt64 = 0
    /// Bits 0-6, Sunday = 0 (a `7` in the expression is folded onto 0).
    var weekdays: UInt64 = 0
    /// The day-of-month field starts with `*`; decides Vixie's AND/OR day rule.
    var dayOfMonthStar = false
    /// The day-of-week field starts with `*`; decides Vixie's AND/OR day rule.
    var dayOfWeekStar = false

    /// Whether the local calendar day matches, applying Vixie's rule: when both day fields are
    /// restricted a day matching either fires, otherwise both must match.
    @inline(__always)
    func matchesDay(year: Int, month: Int, day: Int, dayNumber: Int) -> Bool {
        let byDate =
            daysOfMonth & (1 << UInt64(day)) != 0
            || (lastDayOfMonth && day == CivilTime.daysInMonth(year: year, month: month))
        let byWeekday = weekdays & (1 << UInt64(CivilTime.weekday(days: dayNumber))) != 0
        if dayOfMonthStar || dayOfWeekStar {
            return byDate && byWeekday
        }
        return byDate || byWeekday
    }

    /// The smallest value `>= from` in `mask`, or nil.
    @inline(__always)
    static func next(in mask: UInt64, from: Int) -> Int? {
        guard from < 64 else { return nil }
        let shifted = mask >> UInt64(from)
        return shifted == 0 ? nil : from + shifted.trailingZeroBitCount
    }
}
