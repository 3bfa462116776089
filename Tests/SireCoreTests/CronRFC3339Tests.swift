import Foundation
import Testing

@testable import SireCore

@Suite("RFC 3339 and time zones")
struct CronRFC3339Tests {
    @Test("formats local time with the zone's offset")
    func formats() throws {
        let instant = Date(timeIntervalSince1970: 1_774_746_000)  // 2026-03-29T01:00:00Z
        #expect(
            RFC3339.format(instant, in: try CronTestSupport.zone("Europe/Paris"))
                == "2026-03-29T03:00:00+02:00")
        #expect(
            RFC3339.format(instant, in: try CronTestSupport.zone("UTC")) == "2026-03-29T01:00:00Z")
        #expect(
            RFC3339.format(instant, in: try CronTestSupport.zone("America/New_York"))
                == "2026-03-28T21:00:00-04:00")
        #expect(
            RFC3339.format(instant, in: try CronTestSupport.zone("Asia/Kolkata"))
                == "2026-03-29T06:30:00+05:30")
        #expect(
            RFC3339.format(instant, in: try CronTestSupport.zone("Pacific/Chatham"))
                == "2026-03-29T14:45:00+13:45")
    }

    @Test("fractional seconds appear only when not zero")
    func fractions() throws {
        let utc = try CronTestSupport.zone("UTC")
        #expect(
            RFC3339.format(Date(timeIntervalSince1970: 0.5), in: utc) == "1970-01-01T00:00:00.5Z")
        #expect(
            RFC3339.format(Date(timeIntervalSince1970: 1.25), in: utc) == "1970-01-01T00:00:01.25Z")
        #expect(
            RFC3339.format(Date(timeIntervalSince1970: -0.5), in: utc) == "1969-12-31T23:59:59.5Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: 2), in: utc) == "1970-01-01T00:00:02Z")
    }

    @Test(
        "parses what it formats",
        arguments: [
            "2026-03-29T03:00:00+02:00", "2026-03-29T01:00:00Z", "2026-11-01T01:30:00-04:00",
            "2000-02-29T23:59:59.123456+05:30", "1969-12-31T23:59:59.5Z",
            "2026-09-27T03:45:00+13:45",
        ])
    func roundTrips(text: String) throws {
        let date = try #require(RFC3339.parse(text))
        let zone = try #require(TimeZone(secondsFromGMT: Self.offset(of: text)))
        #expect(RFC3339.format(date, in: zone) == text)
    }

    static func offset(of text: String) -> Int {
        guard !text.hasSuffix("Z") else { return 0 }
        let sign = text.suffix(6).hasPrefix("-") ? -1 : 1
        let hours = Int(text.suffix(5).prefix(2))!
        let minutes = Int(text.suffix(2))!
        return sign * (hours * 3600 + minutes * 60)
    }

    @Test("parses the instant each spelling names")
    func parsesInstants() {
        #expect(
            RFC3339.parse("2026-03-29T03:00:00+02:00") == Date(timeIntervalSince1970: 1_774_746_000)
        )
        #expect(RFC3339.parse("2026-03-29t01:00:00z") == Date(timeIntervalSince1970: 1_774_746_000))
        #expect(RFC3339.parse("2026-03-29 01:00:00Z") == Date(timeIntervalSince1970: 1_774_746_000))
        #expect(RFC3339.parse("1970-01-01T00:00:00.25Z") == Date(timeIntervalSince1970: 0.25))
        #expect(RFC3339.parse("1970-01-01T00:00:00-00:30") == Date(timeIntervalSince1970: 1800))
    }

    @Test(
        "rejects malformed timestamps",
        arguments: [
            "", "2026-03-29", "2026-03-29T03:00:00", "2026-03-29T03:00+02:00",
            "2026-13-01T00:00:00Z",
            "2026-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-03-29T24:00:00Z",
            "2026-03-29T03:60:00Z", "2026-03-29T03:00:00.Z", "2026-03-29T03:00:00+0200",
            "2026-03-29T03:00:00+24:00", "2026-03-29T03:00:00Z ", "26-03-29T03:00:00Z",
            "2026-03-29X03:00:00Z", "２０２６-03-29T03:00:00Z",
        ])
    func rejects(text: String) {
        #expect(RFC3339.parse(text) == nil)
    }

    @Test(
        "time zones by IANA name",
        arguments: [
            ("Europe/Paris", true), ("America/New_York", true), ("Asia/Kolkata", true),
            ("Australia/Lord_Howe", true), ("UTC", true), ("Etc/UTC", true),
            ("Europe/Pariss", false), ("europe/paris", false), ("GMT+5", false), ("", false),
            ("Mars/Olympus_Mons", false), ("+02:00", false),
        ])
    func zones(id: String, known: Bool) {
        #expect((TimeZones.named(id) != nil) == known)
    }

    @Test("UTC has no offset")
    func utc() throws {
        let utc = try CronTestSupport.zone("UTC")
        #expect(utc.secondsFromGMT(for: Date(timeIntervalSince1970: 1_774_746_000)) == 0)
    }
}
