import Testing

@testable import SireCore

@Suite("Duration text")
struct DurationTextTests {
    static let valid: [(String, Duration, String)] = [
        ("500ms", .milliseconds(500), "500ms"),
        ("30s", .seconds(30), "30s"),
        ("5m", .seconds(300), "5m"),
        ("1h30m", .seconds(5400), "1h30m"),
        ("1d", .seconds(86_400), "1d"),
        ("2h", .seconds(7200), "2h"),
        ("1m30s", .seconds(90), "1m30s"),
        ("90s", .seconds(90), "1m30s"),
        ("24h", .seconds(86_400), "1d"),
        ("1s500ms", .milliseconds(1500), "1s500ms"),
        ("1500ms", .milliseconds(1500), "1s500ms"),
        ("1d2h3m4s5ms", .milliseconds(93_784_005), "1d2h3m4s5ms"),
        ("0s", .zero, "0s"),
        ("007m", .seconds(420), "7m"),
        ("365d", .seconds(365 * 86_400), "365d"),
        ("8760h", .seconds(365 * 86_400), "365d"),
    ]

    @Test("parses and formats canonically", arguments: valid)
    func parsesAndFormats(text: String, duration: Duration, canonical: String) throws {
        let parsed = try DurationText.parse(text)
        #expect(parsed == duration)
        #expect(DurationText.format(parsed) == canonical)
        #expect(try DurationText.parse(canonical) == duration)
    }

    @Test("format drops sub-millisecond parts and keeps a sign")
    func formatEdges() {
        #expect(DurationText.format(.microseconds(1500)) == "1ms")
        #expect(DurationText.format(.nanoseconds(10)) == "0s")
        #expect(DurationText.format(.seconds(-90)) == "-1m30s")
        #expect(DurationText.format(.seconds(400 * 86_400)) == "400d")
    }

    static let invalid: [(String, Int, Int, String)] = [
        ("", 0, 0, "empty duration"),
        ("-5s", 0, 1, "no sign"),
        ("+5s", 0, 1, "no sign"),
        ("1h 30m", 2, 1, "no spaces"),
        (" 5s", 0, 1, "no spaces"),
        ("30", 2, 0, "missing unit after 30"),
        ("h", 0, 1, "expected a number, found 'h'"),
        ("1h30", 4, 0, "missing unit after 30"),
        ("1.5h", 1, 1, "fractions are not supported"),
        ("5x", 1, 1, "unknown unit 'x'"),
        ("5H", 1, 1, "unknown unit 'H'"),
        ("5sec", 1, 3, "unknown unit 'sec'"),
        ("30m1h", 3, 2, "'1h' is out of order"),
        ("1h1h", 2, 2, "'1h' repeats a unit"),
        ("1h0m", 2, 2, "'0m' adds nothing"),
        ("366d", 0, 4, "longer than the maximum of 365d"),
        ("365d1ms", 0, 7, "longer than the maximum"),
        ("99999999999999999999s", 0, 21, "longer than the maximum"),
    ]

    @Test("rejects malformed text at the right place", arguments: invalid)
    func rejects(text: String, offset: Int, length: Int, message: String) {
        #expect {
            _ = try DurationText.parse(text)
        } throws: { error in
            guard let error = error as? DurationError else { return false }
            #expect(error.offset == offset, "\(text): \(error)")
            #expect(error.length == length, "\(text): \(error)")
            #expect(error.message.contains(message), "\(text): \(error.message)")
            return true
        }
    }
}
