import Foundation
import Testing

@testable import SireCore

/// Compares ``CronSchedule/nextFire(after:in:)`` with a deliberately naive reference: a scan
/// of every UTC minute (or second) that converts each instant to local wall time with
/// `TimeZone` and `Calendar` and decides firing from first principles, including SPEC §5's
/// daylight-saving rules. Expressions are generated together with the value sets they denote,
/// so the parser is checked against an independent reading of the syntax too.
@Suite("Cron against a brute-force reference")
struct CronReferenceTests {
    static let zones = [
        "UTC", "Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata",
        "America/Sao_Paulo", "Pacific/Chatham",
    ]

    @Test("generated expressions agree with the reference", arguments: zones)
    func agreesWithReference(zoneID: String) throws {
        let zone = try CronTestSupport.zone(zoneID)
        var rng = SeededGenerator(seed: UInt64(zoneID.utf8.reduce(5381) { $0 &* 33 &+ UInt64($1) }))
        let (transitions, monthEnds) = Self.anchors(in: zone, zoneID: zoneID)
        var compared = 0
        var fired = 0
        var jumpFires = 0
        var repeatsSkipped = 0
        for index in 0..<Self.casesPerZone {
            let withSeconds = index % 5 == 0
            let nearTransition = !transitions.isEmpty && index % 3 != 2
            let anchors = nearTransition ? transitions : monthEnds
            let anchor = anchors[Int.random(in: 0..<anchors.count, using: &rng)]
            // Near a transition, aim the hours at the local hour the clocks skip or repeat.
            let before = zone.secondsFromGMT(
                for: Date(timeIntervalSince1970: TimeInterval(anchor - 1)))
            let after = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(anchor)))
            let localHour = ((anchor + min(before, after)) % 86_400 + 86_400) % 86_400 / 3600
            let generated = GeneratedExpression.random(
                withSeconds: withSeconds, focusHour: nearTransition ? localHour : nil, using: &rng)
            // Mostly shortly before the anchor, so frequent schedules still reach it.
            let shift =
                withSeconds
                ? Int.random(in: -5400...600, using: &rng)
                : index % 2 == 0
                    ? Int.random(in: -4 * 3600...3600, using: &rng)
                    : Int.random(in: -36 * 3600...3 * 3600, using: &rng)
            let fraction = Bool.random(using: &rng) ? 0 : Double.random(in: 0..<1, using: &rng)
            let start = Date(timeIntervalSince1970: TimeInterval(anchor + shift) + fraction)
            let span = withSeconds ? 2 * 3600 : 2 * 86_400
            var scan = ReferenceScan(expression: generated, zone: zone)
            let reference = scan.fires(after: start, span: span, limit: Self.limit)

            let schedule = try CronSchedule.parse(generated.text)
            let actual = schedule.nextFires(after: start, in: zone, count: reference.count + 1)
            let context = "\(generated.text) in \(zoneID) after \(RFC3339.format(start, in: zone))"
            #expect(
                Array(actual.prefix(reference.count)) == reference,
                "\(context): \(actual.map { RFC3339.format($0, in: zone) }) vs reference \(reference.map { RFC3339.format($0, in: zone) })"
            )
            if reference.count < Self.limit, actual.count > reference.count {
                let end = start.addingTimeInterval(TimeInterval(span))
                #expect(actual[reference.count] > end, "\(context): extra fire inside the span")
            }
            compared += 1
            fired += reference.count
            jumpFires += scan.jumpFires
            repeatsSkipped += scan.repeatsSkipped
        }
        #expect(compared == Self.casesPerZone)
        // Guard against generated cases that never exercise what this suite is for.
        #expect(fired > Self.casesPerZone * 4)
        if !transitions.isEmpty {
            #expect(jumpFires >= 5, "only \(jumpFires) fires at spring-forward jumps")
            #expect(repeatsSkipped >= 20, "only \(repeatsSkipped) repeated local times seen")
        }
    }

    /// 7 zones × 200 = 1,400 generated cases.
    static let casesPerZone = 200

    /// Fires compared per case: enough to carry frequent schedules across a transition.
    static let limit = 60

    /// This zone's DST transitions and month ends (local midnight), where bugs live.
    static func anchors(in zone: TimeZone, zoneID: String) -> (transitions: [Int], monthEnds: [Int]) {
        let years = zoneID == "America/Sao_Paulo" ? 2017...2019 : 2025...2027
        var anchors: [Int] = []
        var monthEnds: [Int] = []
        var cursor = Date(
            timeIntervalSince1970: TimeInterval(
                CivilTime.days(year: years.lowerBound, month: 1, day: 1) * 86_400))
        let end = CivilTime.days(year: years.upperBound + 1, month: 1, day: 1) * 86_400
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor),
            next.timeIntervalSince1970 < TimeInterval(end)
        {
            anchors.append(Int(next.timeIntervalSince1970))
            cursor = next
        }
        for year in years {
            for month in [1, 2, 3, 4, 6, 10, 11, 12] {
                let firstOfNext = CivilTime.days(
                    year: month == 12 ? year + 1 : year, month: month % 12 + 1, day: 1)
                monthEnds.append(firstOfNext * 86_400 - zone.secondsFromGMT())
            }
        }
        return (anchors, monthEnds)
    }
}

/// A cron expression built from random parts, with the value set each field denotes.
struct GeneratedExpression {
    var text = ""
    var hasSeconds = false
    var seconds: Set<Int> = [0]
    var minutes: Set<Int> = []
    var hours: Set<Int> = []
    var daysOfMonth: Set<Int> = []
    var lastDay = false
    var months: Set<Int> = []
    var weekdays: Set<Int> = []
    var dayOfMonthStar = false
    var dayOfWeekStar = false

    static let monthNames = [
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    ]
    static let dayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

    struct Field {
        var text: String
        var values: Set<Int>
        var last = false
    }

    /// A random expression; with `focusHour`, one that usually fires in that local hour.
    static func random(withSeconds: Bool, focusHour: Int?, using rng: inout SeededGenerator)
        -> Self
    {
        var e = GeneratedExpression()
        var parts: [String] = []
        if withSeconds {
            let f = field(0, 59, starChance: 0.15, using: &rng)
            parts.append(f.text)
            e.seconds = f.values
            e.hasSeconds = true
        }
        let focused = focusHour != nil && Double.random(in: 0..<1, using: &rng) < 0.85
        let dayStar = focused ? 0.9 : 0.55
        let minute = field(0, 59, starChance: withSeconds || focused ? 0.3 : 0.1, using: &rng)
        let hour =
            focused
            ? hourField(around: focusHour!, using: &rng)
            : field(0, 23, starChance: 0.35, using: &rng)
        let dom = field(1, 31, starChance: dayStar, allowsLast: true, using: &rng)
        let month = field(1, 12, starChance: max(dayStar, 0.75), names: monthNames, using: &rng)
        let dow = field(
            0, 6, starChance: max(dayStar, 0.6), names: dayNames, sundayAsSeven: true, using: &rng)
        parts += [minute.text, hour.text, dom.text, month.text, dow.text]
        e.text = parts.joined(separator: " ")
        e.minutes = minute.values
        e.hours = hour.values
        e.daysOfMonth = dom.values
        e.lastDay = dom.last
        e.months = month.values
        e.weekdays = Set(dow.values.map { $0 % 7 })
        e.dayOfMonthStar = dom.text.hasPrefix("*")
        e.dayOfWeekStar = dow.text.hasPrefix("*")
        return e
    }

    /// An hour field that includes `hour`: alone, in a range, in a list or in a step.
    static func hourField(around hour: Int, using rng: inout SeededGenerator) -> Field {
        let previous = (hour + 23) % 24
        let next = (hour + 1) % 24
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return Field(text: "\(hour)", values: [hour])
        case 1 where previous < next:
            return Field(text: "\(previous)-\(next)", values: Set(previous...next))
        case 2: return Field(text: "\(next),\(hour)", values: [hour, next])
        default:
            return Field(text: "\(hour)/12", values: Set(stride(from: hour, through: 23, by: 12)))
        }
    }

    static func field(
        _ low: Int, _ high: Int, starChance: Double, allowsLast: Bool = false,
        names: [String] = [], sundayAsSeven: Bool = false, using rng: inout SeededGenerator
    ) -> Field {
        if Double.random(in: 0..<1, using: &rng) < starChance {
            if Bool.random(using: &rng) { return Field(text: "*", values: Set(low...high)) }
            let step = Int.random(in: 1...max(1, (high - low + 1) / 2), using: &rng)
            return Field(text: "*/\(step)", values: Set(stride(from: low, through: high, by: step)))
        }
        func name(_ value: Int) -> String {
            let plain = names[(value - low) % names.count]
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: return plain
            case 1: return plain.lowercased()
            default: return plain.prefix(1) + plain.dropFirst().lowercased()
            }
        }
        func write(_ value: Int) -> String {
            if !names.isEmpty, Bool.random(using: &rng) { return name(value) }
            return String(value)
        }
        var items: [String] = []
        var result = Field(text: "", values: [])
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            let kind = Int.random(in: 0..<(allowsLast ? 7 : 6), using: &rng)
            switch kind {
            case 0, 1:
                // A single value; day-of-week sometimes writes Sunday as 7.
                let v = Int.random(in: low...high, using: &rng)
                if sundayAsSeven, v == 0, Bool.random(using: &rng) {
                    items.append("7")
                } else {
                    items.append(write(v))
                }
                result.values.insert(v)
            case 2:
                let a = Int.random(in: low...high, using: &rng)
                let b = Int.random(in: a...high, using: &rng)
                items.append("\(write(a))-\(write(b))")
                result.values.formUnion(a...b)
            case 3:
                let a = Int.random(in: low...high, using: &rng)
                let b = Int.random(in: a...high, using: &rng)
                let step = Int.random(in: 1...max(1, b - a + 1), using: &rng)
                items.append("\(write(a))-\(write(b))/\(step)")
                result.values.formUnion(stride(from: a, through: b, by: step))
            case 4:
                let a = Int.random(in: low...high, using: &rng)
                let step = Int.random(in: 1...max(1, (high - low + 1) / 2), using: &rng)
                items.append("\(write(a))/\(step)")
                result.values.formUnion(stride(from: a, through: high, by: step))
            case 5 where sundayAsSeven:
                // Ranges that end on Sunday: `FRI-SUN`, `5-7`.
                let a = Int.random(in: 1...6, using: &rng)
                items.append("\(write(a))-\(Bool.random(using: &rng) ? name(0) : "7")")
                result.values.formUnion(a...6)
                result.values.insert(0)
            case 5:
                let v = Int.random(in: low...high, using: &rng)
                items.append(String(v))
                result.values.insert(v)
            default:
                items.append(Bool.random(using: &rng) ? "L" : "l")
                result.last = true
            }
        }
        result.text = items.joined(separator: ",")
        return result
    }
}

/// The reference: scans instants one step at a time and decides each from first principles.
struct ReferenceScan {
    let expression: GeneratedExpression
    let zone: TimeZone
    let step: Int
    var calendar = Calendar(identifier: .gregorian)
    /// Fires caused by a clock jump (a skipped local time matched).
    var jumpFires = 0
    /// Matching local times not fired because they had already occurred.
    var repeatsSkipped = 0
    /// Calendar lookups are slow; wall days repeat for 1440 steps in a row.
    var cachedDay: (number: Int, month: Int, day: Int, weekday: Int, monthLength: Int)?

    init(expression: GeneratedExpression, zone: TimeZone) {
        self.expression = expression
        self.zone = zone
        step = expression.hasSeconds ? 1 : 60
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
    }

    /// Fire instants in `(start, start + span]`, at most `limit` of them.
    mutating func fires(after start: Date, span: Int, limit: Int) -> [Date] {
        let startSecond = Int(start.timeIntervalSince1970.rounded(.down))
        let end = startSecond + span
        // Begin three hours early so repeated local times are recognised as repeats.
        var t = (startSecond - 3 * 3600) / step * step
        var latestWall = Int.min
        var previousWall: Int?
        var result: [Date] = []
        while t <= end, result.count < limit {
            let wall = t + zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t)))
            let matching = matches(wall)
            var fires = matching && wall > latestWall
            var jumped = false
            if let previous = previousWall, wall > previous + step {
                // The clocks jumped: every skipped local time that matches fires now, once.
                var skipped = previous + step
                while skipped < wall, !jumped {
                    jumped = matches(skipped)
                    skipped += step
                }
                fires = fires || jumped
            }
            if Double(t) > start.timeIntervalSince1970 {
                if fires {
                    result.append(Date(timeIntervalSince1970: TimeInterval(t)))
                    if jumped { jumpFires += 1 }
                } else if matching {
                    repeatsSkipped += 1
                }
            }
            latestWall = max(latestWall, wall)
            previousWall = wall
            t += step
        }
        return result
    }

    mutating func matches(_ wall: Int) -> Bool {
        let dayNumber = Int((Double(wall) / 86_400).rounded(.down))
        let secondOfDay = wall - dayNumber * 86_400
        let e = expression
        guard e.seconds.contains(secondOfDay % 60), e.minutes.contains(secondOfDay / 60 % 60),
            e.hours.contains(secondOfDay / 3600)
        else { return false }
        if cachedDay?.number != dayNumber {
            let date = Date(timeIntervalSince1970: TimeInterval(dayNumber * 86_400))
            let parts = calendar.dateComponents([.month, .day, .weekday], from: date)
            let length = calendar.range(of: .day, in: .month, for: date)!.count
            cachedDay = (dayNumber, parts.month!, parts.day!, parts.weekday! - 1, length)
        }
        let day = cachedDay!
        guard e.months.contains(day.month) else { return false }
        let byDate = e.daysOfMonth.contains(day.day) || (e.lastDay && day.day == day.monthLength)
        let byWeekday = e.weekdays.contains(day.weekday)
        return e.dayOfMonthStar || e.dayOfWeekStar ? byDate && byWeekday : byDate || byWeekday
    }
}
