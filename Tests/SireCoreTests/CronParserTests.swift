import Foundation
import Testing

@testable import SireCore

@Suite("Cron parsing")
struct CronParserTests {
    /// Expression, then its first three fires after 2026-01-01T00:00:00Z (a Thursday), in UTC.
    static let valid: [(String, [String])] = [
        ("0 0 * * *", ["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z"]),
        ("@hourly", ["2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z", "2026-01-01T03:00:00Z"]),
        ("@DAILY", ["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z"]),
        ("@weekly", ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z", "2026-01-18T00:00:00Z"]),
        ("@monthly", ["2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z"]),
        ("@annually", ["2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z", "2029-01-01T00:00:00Z"]),
        (
            "*/20 * * * * *",
            ["2026-01-01T00:00:20Z", "2026-01-01T00:00:40Z", "2026-01-01T00:01:00Z"]
        ),
        (
            "  30 9 * * MON-FRI ",
            ["2026-01-01T09:30:00Z", "2026-01-02T09:30:00Z", "2026-01-05T09:30:00Z"]
        ),
        ("5/20 * * * *", ["2026-01-01T00:05:00Z", "2026-01-01T00:25:00Z", "2026-01-01T00:45:00Z"]),
        (
            "0 8-18/5 * * *",
            ["2026-01-01T08:00:00Z", "2026-01-01T13:00:00Z", "2026-01-01T18:00:00Z"]
        ),
        (
            "0\t0,12 * * *",
            ["2026-01-01T12:00:00Z", "2026-01-02T00:00:00Z", "2026-01-02T12:00:00Z"]
        ),
        // Both day fields restricted: the 13th OR any Friday (Vixie).
        ("0 0 13 * FRI", ["2026-01-02T00:00:00Z", "2026-01-09T00:00:00Z", "2026-01-13T00:00:00Z"]),
        // Day-of-month starts with `*`: odd days AND Mondays.
        (
            "0 0 */2 * MON",
            ["2026-01-05T00:00:00Z", "2026-01-19T00:00:00Z", "2026-02-09T00:00:00Z"]
        ),
        ("0 0 L * *", ["2026-01-31T00:00:00Z", "2026-02-28T00:00:00Z", "2026-03-31T00:00:00Z"]),
        (
            "0 12 15,L * *",
            ["2026-01-15T12:00:00Z", "2026-01-31T12:00:00Z", "2026-02-15T12:00:00Z"]
        ),
        ("0 0 l 2 *", ["2026-02-28T00:00:00Z", "2027-02-28T00:00:00Z", "2028-02-29T00:00:00Z"]),
        (
            "0 0 1 jan,Jul *",
            ["2026-07-01T00:00:00Z", "2027-01-01T00:00:00Z", "2027-07-01T00:00:00Z"]
        ),
        ("0 0 * * 7", ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z", "2026-01-18T00:00:00Z"]),
        ("0 0 * * 0", ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z", "2026-01-18T00:00:00Z"]),
        ("0 0 * * 5-7", ["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z"]),
        (
            "0 0 * * SAT-SAT",
            ["2026-01-03T00:00:00Z", "2026-01-10T00:00:00Z", "2026-01-17T00:00:00Z"]
        ),
        (
            "0 0 * * FRI-SUN",
            ["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z"]
        ),
        (
            "0 0 * * MON/2",
            ["2026-01-02T00:00:00Z", "2026-01-05T00:00:00Z", "2026-01-07T00:00:00Z"]
        ),
        ("0 0 29 2 *", ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z", "2036-02-29T00:00:00Z"]),
        ("0 0 31 * *", ["2026-01-31T00:00:00Z", "2026-03-31T00:00:00Z", "2026-05-31T00:00:00Z"]),
        (
            "59 23 31 DEC *",
            ["2026-12-31T23:59:00Z", "2027-12-31T23:59:00Z", "2028-12-31T23:59:00Z"]
        ),
    ]

    @Test("valid expressions fire when expected", arguments: valid)
    func validExpressions(expression: String, expected: [String]) throws {
        let fires = try CronTestSupport.fires(
            expression, in: "UTC", after: "2026-01-01T00:00:00Z", count: 3)
        #expect(fires == expected)
    }

    @Test("source and description keep the text as written")
    func sourceIsKept() throws {
        let schedule = try CronSchedule.parse(" 0 2 * * * ")
        #expect(schedule.source == " 0 2 * * * ")
        #expect(schedule.description == " 0 2 * * * ")
    }

    @Test("macros equal their expansions")
    func macroExpansion() throws {
        let zone = try CronTestSupport.zone("Europe/Paris")
        let from = try CronTestSupport.instant("2026-03-01T00:00:00Z")
        for (macro, expansion) in [
            ("@yearly", "0 0 1 1 *"), ("@monthly", "0 0 1 * *"), ("@weekly", "0 0 * * 0"),
            ("@midnight", "0 0 * * *"), ("@hourly", "0 * * * *"),
        ] {
            let a = try CronSchedule.parse(macro).nextFires(after: from, in: zone, count: 5)
            let b = try CronSchedule.parse(expansion).nextFires(after: from, in: zone, count: 5)
            #expect(a == b, "\(macro)")
        }
    }

    struct Invalid: Sendable, CustomStringConvertible {
        let expression: String
        let offset: Int
        let length: Int
        let message: String
        var description: String { expression }
    }

    static let invalid: [Invalid] = [
        .init(expression: "", offset: 0, length: 0, message: "empty cron expression"),
        .init(expression: "   ", offset: 0, length: 3, message: "empty cron expression"),
        .init(expression: "* * * *", offset: 0, length: 7, message: "expected 5 fields"),
        .init(expression: "* * * * * * *", offset: 12, length: 1, message: "found 7"),
        .init(
            expression: "60 * * * *", offset: 0, length: 2,
            message: "minute 60 is out of range (0-59)"),
        .init(
            expression: "0 24 * * *", offset: 2, length: 2,
            message: "hour 24 is out of range (0-23)"),
        .init(
            expression: "0 0 0 * *", offset: 4, length: 1,
            message: "day-of-month 0 is out of range (1-31)"),
        .init(
            expression: "0 0 * 13 *", offset: 6, length: 2,
            message: "month 13 is out of range (1-12)"),
        .init(
            expression: "0 0 * * 8", offset: 8, length: 1,
            message: "day-of-week 8 is out of range (0-7)"),
        .init(
            expression: "60 0 0 * * *", offset: 0, length: 2, message: "second 60 is out of range"),
        .init(expression: "0 1-99999999999 * * *", offset: 4, length: 11, message: "out of range"),
        .init(
            expression: "5-3 * * * *", offset: 0, length: 3, message: "minute range 5-3 is reversed"
        ),
        .init(expression: "0 0 * DEC-JAN *", offset: 6, length: 7, message: "reversed"),
        .init(expression: "0 0 * * 7-1", offset: 8, length: 3, message: "reversed"),
        .init(expression: "*/0 * * * *", offset: 2, length: 1, message: "step must be at least 1"),
        .init(
            expression: "0 0 1-5/0 * *", offset: 8, length: 1, message: "step must be at least 1"),
        .init(expression: "*/61 * * * *", offset: 2, length: 2, message: "step 61 is larger"),
        .init(
            expression: "*/x * * * *", offset: 2, length: 1,
            message: "step 'x' must be a whole number"),
        .init(expression: "*/ * * * *", offset: 1, length: 1, message: "missing step after '/'"),
        .init(expression: "0 0 * * 1/2/3", offset: 11, length: 1, message: "only one '/'"),
        .init(
            expression: "1,,2 * * * *", offset: 2, length: 1,
            message: "empty item in the minute list"),
        .init(expression: "1, * * * *", offset: 1, length: 1, message: "empty item"),
        .init(
            expression: "0 ,1 * * *", offset: 2, length: 1, message: "empty item in the hour list"),
        .init(
            expression: "0 0 * FOO *", offset: 6, length: 3,
            message: "unknown month name 'FOO'; use JAN-DEC"),
        .init(expression: "0 0 * * MON-FOO", offset: 12, length: 3, message: "unknown day name"),
        .init(
            expression: "0 0 * * MON,é", offset: 12, length: 1,
            message: "unknown day name 'é'; use SUN-SAT"),
        .init(
            expression: "0 0 * * MON,#", offset: 12, length: 1,
            message: "'#' is not a valid day-of-week; expected a number 0-7 or a day name SUN-SAT"),
        .init(
            expression: "0 0 ∗ * 1", offset: 4, length: 1,
            message: "'∗' is not a valid day-of-month"),
        .init(expression: "0 0 1 * ∗", offset: 8, length: 1, message: "not a valid day-of-week"),
        .init(
            expression: "0 JAN * * *", offset: 2, length: 3, message: "'JAN' is not a valid hour"),
        .init(
            expression: "1.5 * * * *", offset: 0, length: 3, message: "'1.5' is not a valid minute"),
        .init(
            expression: "0 L * * *", offset: 2, length: 1,
            message: "only allowed in the day-of-month"),
        .init(expression: "0 0 * * 5L", offset: 8, length: 2, message: "not a valid day-of-week"),
        .init(expression: "0 0 L/2 * *", offset: 4, length: 3, message: "'L' cannot take a step"),
        .init(
            expression: "0 0 1-L * *", offset: 6, length: 1, message: "cannot be part of a range"),
        .init(expression: "0 0 -5 * *", offset: 4, length: 1, message: "missing start"),
        .init(expression: "0 0 * * 1-  ", offset: 9, length: 1, message: "missing end"),
        .init(expression: "0 0 * * /2", offset: 8, length: 1, message: "missing value before '/'"),
        .init(expression: "@every 5m", offset: 0, length: 6, message: "unknown macro '@every'"),
        .init(expression: "@reboot", offset: 0, length: 7, message: "@reboot is not supported"),
        .init(expression: "@daily 0", offset: 7, length: 1, message: "stands alone"),
    ]

    @Test("invalid expressions point at the bad part", arguments: invalid)
    func invalidExpressions(_ item: Invalid) {
        #expect {
            _ = try CronSchedule.parse(item.expression)
        } throws: { error in
            guard let error = error as? CronError else { return false }
            #expect(error.offset == item.offset, "offset for \(item.expression): \(error)")
            #expect(error.length == item.length, "length for \(item.expression): \(error)")
            #expect(error.message.contains(item.message), "message: \(error.message)")
            return true
        }
    }

    @Test("an error's description names the 1-based column")
    func errorDescription() {
        let error = CronError(message: "hour 24 is out of range (0-23)", offset: 2, length: 2)
        #expect(error.description == "hour 24 is out of range (0-23) (column 3)")
    }
}
