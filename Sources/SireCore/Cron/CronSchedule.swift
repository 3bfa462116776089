import Foundation

/// A parsed cron schedule with Vixie cron semantics and sire-git's daylight-saving rules.
///
/// Accepts 5 fields (`minute hour day-of-month month day-of-week`), 6 fields with seconds
/// first, or one of the macros `@yearly @annually @monthly @weekly @daily @midnight @hourly`.
/// Fields take `*`, lists, ranges, steps (`*/n`, `a-b/n`, `a/n` = `a-max/n`), the names
/// `JAN-DEC` and `SUN-SAT` (any case), 0 or 7 for Sunday, and `L` (the month's last day) in
/// day-of-month. When both day fields are restricted (neither starts with `*`) a day matching
/// either fires; otherwise both must match. In day-of-week, a range may end on Sunday
/// (`FRI-SUN`, `5-7`), and `*/n` and `a/n` run up to Saturday, so `MON/2` is Mon, Wed, Fri.
public struct CronSchedule: Sendable, Hashable, CustomStringConvertible {
    /// The expression exactly as written.
    public private(set) var source: String
    let fields: CronFields
    /// Whether the expression has a leading seconds field.
    let hasSeconds: Bool

    /// Parses `text`, throwing a ``CronError`` that points at the offending characters.
    public static func parse(_ text: String) throws(CronError) -> CronSchedule {
        let (fields, hasSeconds) = try CronParser(text).parse()
        return CronSchedule(source: text, fields: fields, hasSeconds: hasSeconds)
    }

    /// The expression as written.
    public var description: String { source }
}
