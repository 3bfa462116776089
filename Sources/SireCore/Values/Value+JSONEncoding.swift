extension Value {
    /// The value as JSON text: keys sorted, integers without a fraction, strings escaped.
    ///
    /// Doubles that JSON cannot carry (NaN, infinities) become `null` rather than invalid text.
    /// With `pretty`, nested values are indented by two spaces per level.
    public func jsonString(pretty: Bool = false) -> String {
        var output = ""
        writeJSON(into: &output, pretty: pretty, indent: 0)
        return output
    }

    /// The value as it appears inside a larger string: strings as they are, anything else as JSON.
    public var stringified: String {
        if case .string(let text) = self { return text }
        return jsonString()
    }

    private func writeJSON(into output: inout String, pretty: Bool, indent: Int) {
        switch self {
        case .null:
            output += "null"
        case .bool(let flag):
            output += flag ? "true" : "false"
        case .int(let number):
            output += String(number)
        case .double(let number):
            output += Value.jsonNumber(number)
        case .string(let text):
            Value.writeJSONString(text, into: &output)
        case .array(let items):
            guard !items.isEmpty else {
                output += "[]"
                return
            }
            output += "["
            for (position, item) in items.enumerated() {
                if position > 0 { output += "," }
                if pretty { Value.newline(into: &output, indent: indent + 1) }
                item.writeJSON(into: &output, pretty: pretty, indent: indent + 1)
            }
            if pretty { Value.newline(into: &output, indent: indent) }
            output += "]"
        case .object(let members):
            guard !members.isEmpty else {
                output += "{}"
                return
            }
            output += "{"
            for (position, key) in members.keys.sorted().enumerated() {
                if position > 0 { output += "," }
                if pretty { Value.newline(into: &output, indent: indent + 1) }
                Value.writeJSONString(key, into: &output)
                output += pretty ? ": " : ":"
                members[key]!.writeJSON(into: &output, pretty: pretty, indent: indent + 1)
            }
            if pretty { Value.newline(into: &output, indent: indent) }
            output += "}"
        }
    }

    private static func newline(into output: inout String, indent: Int) {
        output += "\n"
        output += String(repeating: "  ", count: indent)
    }

    /// Swift's shortest round-tripping form (`0.1`, `2.0`, `1e+20`) is already valid JSON; the
    /// `.0` it keeps on whole doubles is what lets a double survive a round trip as a double.
    private static func jsonNumber(_ number: Double) -> String {
        guard number.isFinite else { return "null" }
        return number.description
    }

    private static func writeJSONString(_ text: String, into output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}
