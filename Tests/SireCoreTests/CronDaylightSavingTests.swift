import Foundation
import Testing

@testable import SireCore

/// Hand-checked fire times around daylight-saving transitions (SPEC §5), verified against
/// `zdump -v` for the zones involved.
@Suite("Cron daylight saving")
struct CronDaylightSavingTests {
    struct Case: Sendable, CustomStringConvertible {
        let expression: String
        let zone: String
        let after: String
        let expected: [String]
        var description: String { "\(expression) in \(zone) after \(after)" }
    }

    static let cases: [Case] = [
        // Paris springs forward 2026-03-29 02:00 → 03:00: 02:30 is skipped, fires at the jump.
        .init(
            expression: "30 2 * * *", zone: "Europe/Paris", after: "2026-03-27T12:00:00Z",
            expected: [
                "2026-03-28T02:30:00+01:00", "2026-03-29T03:00:00+02:00",
                "2026-03-30T02:30:00+02:00",
            ]),
        // Every skipped quarter hour coalesces into one fire at 03:00.
        .init(
            expression: "*/15 2 * * *", zone: "Europe/Paris", after: "2026-03-28T12:00:00Z",
            expected: [
                "2026-03-29T03:00:00+02:00", "2026-03-30T02:00:00+02:00",
                "2026-03-30T02:15:00+02:00",
            ]),
        // A skipped match and a match at the jump instant itself are one fire, not two.
        .init(
            expression: "0,30 2,3 * * *", zone: "Europe/Paris", after: "2026-03-29T00:00:00Z",
            expected: ["2026-03-29T03:00:00+02:00", "2026-03-29T03:30:00+02:00"]),
        // New York falls back 2026-11-01 02:00 EDT → 01:00 EST: 01:30 fires at its first
        // occurrence only.
        .init(
            expression: "30 1 * * *", zone: "America/New_York", after: "2026-10-31T12:00:00Z",
            expected: ["2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"]),
        // Starting inside the repeated hour, after the first 01:30: the second one is skipped.
        .init(
            expression: "30 1 * * *", zone: "America/New_York", after: "2026-11-01T05:45:00Z",
            expected: ["2026-11-02T01:30:00-05:00"]),
        // Starting inside the repeated hour, in its second pass: still no repeat of 01:30.
        .init(
            expression: "30 1 * * *", zone: "America/New_York", after: "2026-11-01T06:10:00Z",
            expected: ["2026-11-02T01:30:00-05:00"]),
        // @hourly across the fall-back: 01:00 happens twice on the clock but fires once.
        .init(
            expression: "@hourly", zone: "America/New_York", after: "2026-11-01T04:30:00Z",
            expected: [
                "2026-11-01T01:00:00-04:00", "2026-11-01T02:00:00-05:00",
                "2026-11-01T03:00:00-05:00",
            ]),
        // @hourly across the spring-forward: 02:00 does not exist; 03:00 is the jump.
        .init(
            expression: "@hourly", zone: "America/New_York", after: "2026-03-08T05:30:00Z",
            expected: [
                "2026-03-08T01:00:00-05:00", "2026-03-08T03:00:00-04:00",
                "2026-03-08T04:00:00-04:00",
            ]),
        // Seconds: the jump coalesces every skipped second; the fall-back repeats none.
        .init(
            expression: "*/10 * * * * *", zone: "Europe/Paris", after: "2026-03-29T00:59:30Z",
            expected: [
                "2026-03-29T01:59:40+01:00", "2026-03-29T01:59:50+01:00",
                "2026-03-29T03:00:00+02:00", "2026-03-29T03:00:10+02:00",
            ]),
        .init(
            expression: "15 * * * * *", zone: "America/New_York", after: "2026-11-01T05:58:00Z",
            expected: [
                "2026-11-01T01:58:15-04:00", "2026-11-01T01:59:15-04:00",
                "2026-11-01T02:00:15-05:00",
            ]),
        .init(
            expression: "30 59 1 * * *", zone: "Europe/Paris", after: "2026-03-28T12:00:00Z",
            expected: ["2026-03-29T01:59:30+01:00", "2026-03-30T01:59:30+02:00"]),
        // Lord Howe moves by 30 minutes: 02:00-02:29 is skipped, 02:30 is the jump.
        .init(
            expression: "15 2 * * *", zone: "Australia/Lord_Howe", after: "2026-10-03T00:00:00Z",
            expected: ["2026-10-04T02:30:00+11:00", "2026-10-05T02:15:00+11:00"]),
        .init(
            expression: "45 2 * * *", zone: "Australia/Lord_Howe", after: "2026-10-03T00:00:00Z",
            expected: ["2026-10-04T02:45:00+11:00", "2026-10-05T02:45:00+11:00"]),
        // Lord Howe falls back 02:00 → 01:30: 01:45 fires at its first occurrence only.
        .init(
            expression: "45 1 * * *", zone: "Australia/Lord_Howe", after: "2026-04-04T00:00:00Z",
            expected: ["2026-04-05T01:45:00+11:00", "2026-04-06T01:45:00+10:30"]),
        // Chatham (+12:45/+13:45) springs forward 02:45 → 03:45.
        .init(
            expression: "0 3 * * *", zone: "Pacific/Chatham", after: "2026-09-26T00:00:00Z",
            expected: ["2026-09-27T03:45:00+13:45", "2026-09-28T03:00:00+13:45"]),
        // São Paulo 2018: midnight was skipped (00:00 → 01:00), so the day began at 01:00.
        .init(
            expression: "0 0 * * *", zone: "America/Sao_Paulo", after: "2018-11-02T12:00:00Z",
            expected: [
                "2018-11-03T00:00:00-03:00", "2018-11-04T01:00:00-02:00",
                "2018-11-05T00:00:00-02:00",
            ]),
        // São Paulo 2019: 23:00-23:59 on Feb 16 happened twice.
        .init(
            expression: "30 23 * * *", zone: "America/Sao_Paulo", after: "2019-02-16T12:00:00Z",
            expected: ["2019-02-16T23:30:00-02:00", "2019-02-17T23:30:00-03:00"]),
        // A zone without daylight saving, at a half-hour offset.
        .init(
            expression: "0 0 L * *", zone: "Asia/Kolkata", after: "2026-02-01T00:00:00Z",
            expected: ["2026-02-28T00:00:00+05:30", "2026-03-31T00:00:00+05:30"]),
        // Samoa skipped all of 2011-12-30: the daily noon fire happens once, at the jump.
        .init(
            expression: "0 12 * * *", zone: "Pacific/Apia", after: "2011-12-29T00:00:00Z",
            expected: [
                "2011-12-29T12:00:00-10:00", "2011-12-31T00:00:00+14:00",
                "2011-12-31T12:00:00+14:00",
            ]),
    ]

    @Test("fire times around transitions", arguments: cases)
    func transitions(_ item: Case) throws {
        let fires = try CronTestSupport.fires(
            item.expression, in: item.zone, after: item.after, count: item.expected.count)
        #expect(fires == item.expected)
    }

    @Test("the next fire is strictly after the given instant")
    func strictlyAfter() throws {
        let schedule = try CronSchedule.parse("0 * * * *")
        let zone = try CronTestSupport.zone("UTC")
        let exact = try CronTestSupport.instant("2026-05-01T10:00:00Z")
        #expect(schedule.nextFire(after: exact, in: zone) == exact.addingTimeInterval(3600))
        let justBefore = exact.addingTimeInterval(-0.25)
        #expect(schedule.nextFire(after: justBefore, in: zone) == exact)
        let justAfter = exact.addingTimeInterval(0.25)
        #expect(schedule.nextFire(after: justAfter, in: zone) == exact.addingTimeInterval(3600))
    }

    @Test("an impossible date never fires", arguments: ["0 0 30 2 *", "0 0 31 4,6,9,11 *"])
    func neverFires(expression: String) throws {
        let schedule = try CronSchedule.parse(expression)
        let from = try CronTestSupport.instant("2026-01-01T00:00:00Z")
        #expect(schedule.nextFire(after: from, in: try CronTestSupport.zone("Europe/Paris")) == nil)
        #expect(
            schedule.nextFires(after: from, in: try CronTestSupport.zone("UTC"), count: 3) == [])
    }

    @Test("February 29th is found even across the skipped leap day of 2100")
    func leapDayAcross2100() throws {
        let fires = try CronTestSupport.fires(
            "0 0 29 2 *", in: "UTC", after: "2096-03-01T00:00:00Z", count: 1)
        #expect(fires == ["2104-02-29T00:00:00Z"])
    }

    @Test("a schedule far in the past or future still computes")
    func extremeYears() throws {
        // Paris kept local mean time (+00:09:21) until 1911; RFC 3339 offsets are whole
        // minutes, so the printed clock reading shifts by the 21 seconds, not the instant.
        let paris = try CronTestSupport.zone("Europe/Paris")
        let fire = try CronSchedule.parse("0 0 1 1 *")
            .nextFire(after: try CronTestSupport.instant("1900-06-01T00:00:00Z"), in: paris)
        #expect(fire == (try CronTestSupport.instant("1900-12-31T23:50:39Z")))
        #expect(fire.map { RFC3339.format($0, in: paris) } == "1900-12-31T23:59:39+00:09")
        #expect(
            try CronTestSupport.fires(
                "0 0 1 1 *", in: "UTC", after: "9998-06-01T00:00:00Z", count: 1)
                == ["9999-01-01T00:00:00Z"])
    }
}
