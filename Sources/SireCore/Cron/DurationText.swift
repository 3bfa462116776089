/// Parses and formats the duration syntax of workflow files: `500ms`, `30s`, `5m`, `1h30m`, `1d`.
///
/// Units are `ms`, `s`, `m`, `h` and `d`, combined largest first with each unit at most once.
/// There is no sign, no fraction and no whitespace; the total may not exceed 365 days.
public enum DurationText {
    /// The largest duration accepted: 365 days.
    public static let maximum = Duration.seconds(365 * 86_400)

    /// Units from largest to smallest, with their length in milliseconds.
    static let units: [(name: String, milliseconds: Int64)] = [
        ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1),
    ]

    /// Parses `text` such as `1h30m`, throwing a ``DurationError`` that points at the bad part.
    ///
    /// A lone zero (`0s`) is the zero duration; a zero part inside a combination (`1h0m`) is
    /// rejected as a likely typo.
    public static func parse(_ text: String) throws(DurationError) -> Duration {
        let scalars = Array(text.unicodeScalars)
        func fail(_ message: String, _ range: Range<Int>) -> DurationError {
            DurationError(message: message, offset: range.lowerBound, length: range.count)
        }
        guard !scalars.isEmpty else {
            throw fail("empty duration; write e.g. 30s, 5m or 1h30m", 0..<0)
        }
        var total: Int64 = 0
        var previousUnit = -1
        var parts: [(range: Range<Int>, value: Int64)] = []
        var index = 0
        while index < scalars.count {
            let numberStart = index
            while index < scalars.count, ("0"..."9").contains(scalars[index]) { index += 1 }
            let numberRange = numberStart..<index
            if numberRange.isEmpty {
                let c = scalars[index]
                if c == "+" || c == "-" {
                    throw fail("a duration has no sign", index..<index + 1)
                }
                if c.properties.isWhitespace {
                    throw fail("a duration has no spaces", index..<index + 1)
                }
                throw fail("expected a number, found '\(c)'", index..<index + 1)
            }
            if index < scalars.count, scalars[index] == "." || scalars[index] == "," {
                throw fail(
                    "fractions are not supported; combine units instead (1h30m, 1s500ms)",
                    index..<index + 1)
            }
            let unitStart = index
            while index < scalars.count, scalars[index].properties.isAlphabetic { index += 1 }
            let unitRange = unitStart..<index
            var unitText = String.UnicodeScalarView()
            unitText.append(contentsOf: scalars[unitRange])
            let unitName = String(unitText)
            guard !unitRange.isEmpty else {
                throw fail(
                    "missing unit after \(digits(scalars, numberRange)); use ms, s, m, h or d",
                    numberRange.upperBound..<numberRange.upperBound)
            }
            guard let unit = units.firstIndex(where: { $0.name == unitName }) else {
                throw fail("unknown unit '\(unitName)'; use ms, s, m, h or d", unitRange)
            }
            let partRange = numberStart..<unitRange.upperBound
            guard unit > previousUnit else {
                let problem = unit == previousUnit ? "repeats a unit" : "is out of order"
                throw fail(
                    "'\(digits(scalars, partRange))' \(problem); combine units largest first, "
                        + "each once (1h30m)", partRange)
            }
            previousUnit = unit
            // More than 12 digits exceeds 365 days in any unit; stop before Int64 overflows.
            guard numberRange.count <= 12 else {
                throw fail("duration is longer than the maximum of 365d", 0..<scalars.count)
            }
            let value = Int64(digits(scalars, numberRange))!
            parts.append((partRange, value))
            total += value * units[unit].milliseconds
            if total > 365 * 86_400_000 {
                throw fail("duration is longer than the maximum of 365d", 0..<scalars.count)
            }
        }
        if parts.count > 1, let zero = parts.first(where: { $0.value == 0 }) {
            throw fail(
                "'\(digits(scalars, zero.range))' adds nothing; leave the zero part out",
                zero.range)
        }
        return .milliseconds(total)
    }

    /// The canonical text of `duration`: largest units first, zero parts left out, whole
    /// milliseconds (`1h30m`, `1s500ms`, `0s`). Sub-millisecond parts are truncated.
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        // Int128 so that no Duration, however extreme, overflows while converting.
        var remaining = Int128(seconds) * 1000 + Int128(attoseconds) / 1_000_000_000_000_000
        let sign = remaining < 0 ? "-" : ""
        if remaining < 0 { remaining = -remaining }
        guard remaining > 0 else { return "0s" }
        var text = sign
        for unit in units where remaining >= Int128(unit.milliseconds) {
            text += "\(remaining / Int128(unit.milliseconds))\(unit.name)"
            remaining %= Int128(unit.milliseconds)
        }
        return text
    }

    static func digits(_ scalars: [Unicode.Scalar], _ range: Range<Int>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[range])
        return String(view)
    }
}
