/// Turns cron text into ``CronFields``, reporting errors at exact Unicode-scalar offsets.
struct CronParser {
    /// One of the six positional fields: its name in messages, its range, and its vocabulary.
    struct Field: Equatable {
        let name: String
        let min: Int
        /// Largest value accepted as written (7 for day-of-week, another Sunday).
        let max: Int
        /// Three-letter names for `min...`, upper case (months from 1, weekdays from 0).
        let names: [String]
        let nameKind: String
        let allowsLast: Bool

        /// Largest distinct value: where `*` and `a/n` stop (Saturday for day-of-week).
        var cycleMax: Int { name == "day-of-week" ? 6 : max }

        static let second = Field(
            name: "second", min: 0, max: 59, names: [], nameKind: "", allowsLast: false)
        static let minute = Field(
            name: "minute", min: 0, max: 59, names: [], nameKind: "", allowsLast: false)
        static let hour = Field(
            name: "hour", min: 0, max: 23, names: [], nameKind: "", allowsLast: false)
        static let dayOfMonth = Field(
            name: "day-of-month", min: 1, max: 31, names: [], nameKind: "", allowsLast: true)
        static let month = Field(
            name: "month", min: 1, max: 12,
            names: [
                "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
            ],
            nameKind: "month name", allowsLast: false)
        // 7 is accepted as a second Sunday and folded onto 0 once the field is parsed.
        static let dayOfWeek = Field(
            name: "day-of-week", min: 0, max: 7,
            names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
            nameKind: "day name", allowsLast: false)
    }

    /// What one field parsed to.
    struct ParsedField {
        var mask: UInt64 = 0
        var startsWithStar = false
        var last = false
    }

    static let macros: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
        "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *",
        "@hourly": "0 * * * *",
    ]

    let text: [Unicode.Scalar]

    init(_ source: String) {
        text = Array(source.unicodeScalars)
    }

    func error(_ message: String, _ range: Range<Int>) -> CronError {
        CronError(message: message, offset: range.lowerBound, length: range.count)
    }

    func string(_ range: Range<Int>) -> String {
        var result = String.UnicodeScalarView()
        result.append(contentsOf: text[range])
        return String(result)
    }

    /// Parses the whole expression; returns the fields and whether a seconds field was given.
    func parse() throws(CronError) -> (fields: CronFields, hasSeconds: Bool) {
        let tokens = splitFields()
        guard let first = tokens.first else {
            throw error(
                "empty cron expression; expected 5 fields (minute hour day-of-month month "
                    + "day-of-week) or 6 with seconds first", 0..<text.count)
        }
        if text[first.lowerBound] == "@" {
            return try parseMacro(tokens)
        }
        guard tokens.count == 5 || tokens.count == 6 else {
            let extra = tokens.count > 6 ? tokens[6].lowerBound : first.lowerBound
            throw error(
                "expected 5 fields (minute hour day-of-month month day-of-week) or 6 with "
                    + "seconds first, found \(tokens.count)",
                extra..<tokens[tokens.count - 1].upperBound)
        }
        let hasSeconds = tokens.count == 6
        let kinds: [Field] =
            (hasSeconds ? [.second] : []) + [.minute, .hour, .dayOfMonth, .month, .dayOfWeek]
        var parsed: [ParsedField] = []
        for (token, kind) in zip(tokens, kinds) {
            parsed.append(try parseField(token, kind))
        }
        let offset = hasSeconds ? 1 : 0
        var fields = CronFields()
        fields.seconds = hasSeconds ? parsed[0].mask : 1
        fields.minutes = parsed[offset].mask
        fields.hours = parsed[offset + 1].mask
        fields.daysOfMonth = parsed[offset + 2].mask
        fields.lastDayOfMonth = parsed[offset + 2].last
        fields.dayOfMonthStar = parsed[offset + 2].startsWithStar
        fields.months = parsed[offset + 3].mask
        let weekdays = parsed[offset + 4].mask
        fields.weekdays = (weekdays & 0x7F) | (weekdays >> 7 & 1)
        fields.dayOfWeekStar = parsed[offset + 4].startsWithStar
        return (fields, hasSeconds)
    }

    /// Ranges of the whitespace-separated fields.
    func splitFields() -> [Range<Int>] {
        var tokens: [Range<Int>] = []
        var start: Int?
        for index in text.indices {
            if text[index].properties.isWhitespace {
                if let s = start {
                    tokens.append(s..<index)
                    start = nil
                }
            } else if start == nil {
                start = index
            }
        }
        if let s = start { tokens.append(s..<text.count) }
        return tokens
    }

    func parseMacro(_ tokens: [Range<Int>]) throws(CronError) -> (
        fields: CronFields, hasSeconds: Bool
    ) {
        let name = string(tokens[0]).lowercased()
        if name == "@reboot" {
            throw error("@reboot is not supported: a schedule needs a time of day", tokens[0])
        }
        guard let expansion = Self.macros[name] else {
            throw error(
                "unknown macro '\(string(tokens[0]))'; use @yearly, @annually, @monthly, "
                    + "@weekly, @daily, @midnight or @hourly", tokens[0])
        }
        guard tokens.count == 1 else {
            throw error(
                "\(name) stands alone; remove the fields after it",
                tokens[1].lowerBound..<tokens[tokens.count - 1].upperBound)
        }
        // The expansion is a fixed valid expression, so this cannot fail.
        return try CronParser(expansion).parse()
    }

    func parseField(_ range: Range<Int>, _ field: Field) throws(CronError) -> ParsedField {
        var result = ParsedField()
        result.startsWithStar = text[range.lowerBound] == "*"
        var itemStart = range.lowerBound
        for index in range.lowerBound...range.upperBound {
            guard index == range.upperBound || text[index] == "," else { continue }
            if itemStart == index {
                // Point at the comma that closes (or, at the end, opens) the missing item.
                let comma = index < range.upperBound ? index : index - 1
                throw error("empty item in the \(field.name) list", comma..<comma + 1)
            }
            try parseItem(itemStart..<index, field, into: &result)
            itemStart = index + 1
        }
        return result
    }

    func parseItem(_ range: Range<Int>, _ field: Field, into result: inout ParsedField)
        throws(CronError)
    {
        var base = range
        var step = 1
        var hasStep = false
        if let slash = text[range].firstIndex(of: "/") {
            base = range.lowerBound..<slash
            let stepRange = slash + 1..<range.upperBound
            if let second = text[stepRange].firstIndex(of: "/") {
                throw error("only one '/' step is allowed per item", second..<second + 1)
            }
            guard !stepRange.isEmpty else {
                throw error("missing step after '/'", slash..<slash + 1)
            }
            guard let value = number(stepRange) else {
                throw error("step '\(string(stepRange))' must be a whole number", stepRange)
            }
            guard value >= 1 else { throw error("step must be at least 1", stepRange) }
            guard value <= field.cycleMax - field.min + 1 else {
                throw error(
                    "step \(value) is larger than the \(field.name) range "
                        + "(\(field.min)-\(field.cycleMax))", stepRange)
            }
            step = value
            hasStep = true
        }
        guard !base.isEmpty else {
            throw error("missing value before '/'", base.lowerBound..<base.lowerBound + 1)
        }
        let baseText = string(base)
        if baseText == "*" {
            setRange(field.min, field.cycleMax, step, &result)
            return
        }
        if baseText.uppercased() == "L" {
            guard field.allowsLast else {
                throw error(
                    "'L' (last day of the month) is only allowed in the day-of-month field", base)
            }
            guard !hasStep else {
                throw error("'L' cannot take a step", base.lowerBound..<range.upperBound)
            }
            result.last = true
            return
        }
        if let dash = text[base].firstIndex(of: "-") {
            let startRange = base.lowerBound..<dash
            let endRange = dash + 1..<base.upperBound
            guard !startRange.isEmpty else {
                throw error("missing start of \(field.name) range before '-'", dash..<dash + 1)
            }
            guard !endRange.isEmpty else {
                throw error("missing end of \(field.name) range after '-'", dash..<dash + 1)
            }
            if let again = text[endRange].firstIndex(of: "-") {
                throw error("a range has one '-'", again..<again + 1)
            }
            let start = try value(startRange, field)
            var end = try value(endRange, field)
            // `FRI-SUN` reads naturally as Friday through Sunday: SUN closes a range as 7.
            if field == .dayOfWeek, end == 0, start > 0, isName(endRange) {
                end = 7
            }
            guard start <= end else {
                throw error(
                    "\(field.name) range \(baseText) is reversed; write the smaller value first",
                    base)
            }
            setRange(start, end, step, &result)
            return
        }
        let single = try value(base, field)
        // `a/n` means every n-th value from a to the field's maximum.
        setRange(single, hasStep ? max(single, field.cycleMax) : single, step, &result)
    }

    func setRange(_ start: Int, _ end: Int, _ step: Int, _ result: inout ParsedField) {
        var value = start
        while value <= end {
            result.mask |= 1 << UInt64(value)
            value += step
        }
    }

    func isName(_ range: Range<Int>) -> Bool {
        text[range].allSatisfy { $0.properties.isAlphabetic }
    }

    /// A decimal number of at most 9 digits (longer ones are out of any range anyway).
    func number(_ range: Range<Int>) -> Int? {
        guard !range.isEmpty, range.count <= 9,
            text[range].allSatisfy({ ("0"..."9").contains($0) })
        else { return nil }
        return text[range].reduce(0) { $0 * 10 + Int($1.value - 48) }
    }

    func value(_ range: Range<Int>, _ field: Field) throws(CronError) -> Int {
        let word = string(range)
        if text[range].allSatisfy({ ("0"..."9").contains($0) }) {
            guard let n = number(range), n >= field.min, n <= field.max else {
                throw error(
                    "\(field.name) \(word) is out of range (\(field.min)-\(field.max))", range)
            }
            return n
        }
        if isName(range), !field.names.isEmpty {
            let upper = word.uppercased()
            guard let index = field.names.firstIndex(of: upper) else {
                throw error(
                    "unknown \(field.nameKind) '\(word)'; use \(field.names[0])-\(field.names.last!)",
                    range)
            }
            return field.min + index
        }
        if word.uppercased() == "L" {
            throw error(
                "'L' (last day of the month) cannot be part of a range; use it on its own", range)
        }
        let expected =
            field.names.isEmpty
            ? "a number \(field.min)-\(field.max)"
            : "a number \(field.min)-\(field.max) or a \(field.nameKind) "
                + "\(field.names[0])-\(field.names.last!)"
        throw error("'\(word)' is not a valid \(field.name); expected \(expected)", range)
    }
}
