import Foundation

/// RFC 3339 timestamps as sire-git prints and reads them: `2026-03-29T03:00:00+02:00`.
public enum RFC3339 {
    /// Formats `date` as local time in `timeZone` with its offset, `Z` when the offset is zero,
    /// and fractional seconds (up to microseconds) only when they are not zero.
    ///
    /// Offsets that are not whole minutes (historic local mean time) are truncated to the
    /// minute and the clock reading adjusted to match, so the text still names the same instant.
    ///
    /// With `milliseconds`, the fraction is always three digits (`…T22:43:42.470Z`), for
    /// records and logs whose times should line up.
    public static func format(_ date: Date, in timeZone: TimeZone, milliseconds: Bool = false) -> String {
        var scaled = (date.timeIntervalSince1970 * 1_000_000).rounded()
        if milliseconds { scaled = (scaled / 1000).rounded() * 1000 }
        // Out-of-range dates (NaN, beyond ±290,000 years) print as the epoch rather than trap.
        let micros = scaled.isFinite && abs(scaled) < 9e18 ? Int(scaled) : 0
        let seconds = CivilTime.floorDiv(micros, 1_000_000)
        let fraction = micros - seconds * 1_000_000
        let offset = timeZone.secondsFromGMT(for: date) / 60 * 60
        let wall = seconds + offset
        let dayNumber = CivilTime.floorDiv(wall, CivilTime.secondsPerDay)
        let (year, month, day) = CivilTime.date(days: dayNumber)
        let secondOfDay = wall - dayNumber * CivilTime.secondsPerDay
        var text = year < 0 ? "-" + pad(-year, 4) : pad(year, 4)
        text += "-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2))"
        text += ":\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
        if milliseconds {
            text += "." + pad(fraction / 1000, 3)
        } else if fraction != 0 {
            var digits = pad(fraction, 6)
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        if offset == 0 {
            text += "Z"
        } else {
            let minutes = abs(offset) / 60
            text += "\(offset < 0 ? "-" : "+")\(pad(minutes / 60, 2)):\(pad(minutes % 60, 2))"
        }
        return text
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±hh:mm)`; `t`, `z` and a space separator are
    /// accepted as RFC 3339 allows. Returns nil for anything else, including impossible dates.
    public static func parse(_ text: String) -> Date? {
        let s = Array(text.utf8)
        var index = 0
        func number(_ width: Int) -> Int? {
            guard index + width <= s.count else { return nil }
            var value = 0
            for byte in s[index..<index + width] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            index += width
            return value
        }
        func expect(_ options: String) -> Bool {
            guard index < s.count, options.utf8.contains(s[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"),
            let day = number(2), expect("Tt "), let hour = number(2), expect(":"),
            let minute = number(2), expect(":"), let second = number(2)
        else { return nil }
        guard (1...12).contains(month),
            (1...CivilTime.daysInMonth(year: year, month: month)).contains(day),
            hour < 24, minute < 60, second <= 60
        else { return nil }
        var fraction = 0.0
        if expect(".") {
            let start = index
            var scale = 0.1
            while index < s.count, s[index] >= 48, s[index] <= 57 {
                fraction += Double(s[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        var offset = 0
        if !expect("Zz") {
            guard index < s.count, s[index] == UInt8(ascii: "+") || s[index] == UInt8(ascii: "-")
            else { return nil }
            let negative = s[index] == UInt8(ascii: "-")
            index += 1
            guard let hours = number(2), expect(":"), let minutes = number(2), hours < 24,
                minutes < 60
            else { return nil }
            offset = (hours * 60 + minutes) * 60 * (negative ? -1 : 1)
        }
        guard index == s.count else { return nil }
        let wall =
            CivilTime.days(year: year, month: month, day: day) * CivilTime.secondsPerDay
            + hour * 3600 + minute * 60 + second
        return Date(timeIntervalSince1970: TimeInterval(wall - offset) + fraction)
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width
            ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
