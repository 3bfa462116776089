import SireCore

/// Scalar resolution with the YAML 1.2 core schema, so `on`, `yes` and `no` stay strings.
enum YAMLCoreSchema {
    /// What a scalar resolves to, or the core type its explicit tag demands but it is not.
    enum Resolution: Equatable {
        case value(Value)
        case invalid(expected: String)
    }

    /// Resolves a scalar from its text, style and (shorthand) tag.
    static func resolve(_ text: String, style: ScalarStyle, tag: String?) -> Resolution {
        switch tag {
        case "!", "!!str":
            return .value(.string(text))
        case "!!null":
            return isNull(text) ? .value(.null) : .invalid(expected: "null")
        case "!!bool":
            return bool(text).map { .value(.bool($0)) } ?? .invalid(expected: "boolean")
        case "!!int":
            return int(text).map { .value(.int($0)) } ?? .invalid(expected: "integer")
        case "!!float":
            if let number = float(text) { return .value(.double(number)) }
            if let number = int(text) { return .value(.double(Double(number))) }
            return .invalid(expected: "float")
        case "!!seq":
            return .invalid(expected: "sequence")
        case "!!map":
            return .invalid(expected: "mapping")
        default:
            // Other tags (custom ones, `!!timestamp`, ...) carry no meaning here.
            return .value(style == .plain ? resolvePlain(text) : .string(text))
        }
    }

    /// The core schema's reading of an untagged plain scalar.
    static func resolvePlain(_ text: String) -> Value {
        guard let first = text.utf8.first else { return .null }
        // Most scalars are words: only these first bytes can start a non-string.
        switch first {
        case UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "~"):
            return isNull(text) ? .null : .string(text)
        case UInt8(ascii: "t"), UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"):
            return bool(text).map(Value.bool) ?? .string(text)
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"),
            UInt8(ascii: "."):
            if let number = int(text) { return .int(number) }
            if let number = float(text) { return .double(number) }
            return .string(text)
        default:
            return .string(text)
        }
    }

    static func isNull(_ text: String) -> Bool {
        switch text {
        case "", "~", "null", "Null", "NULL": true
        default: false
        }
    }

    static func bool(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE": true
        case "false", "False", "FALSE": false
        default: nil
        }
    }

    /// `[-+]?[0-9]+`, `0o[0-7]+` or `0x[0-9a-fA-F]+`; nil when out of range.
    static func int(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        if bytes.count > 2, bytes[0] == UInt8(ascii: "0") {
            if bytes[1] == UInt8(ascii: "o") { return Int(text.dropFirst(2), radix: 8) }
            if bytes[1] == UInt8(ascii: "x") { return Int(text.dropFirst(2), radix: 16) }
        }
        var digits = bytes[...]
        if let sign = digits.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.allSatisfy(isDigit) else { return nil }
        return Int(text)
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, `[-+]?.inf` or `.nan` (three
    /// spellings each). Checked by hand: `Double(String)` also accepts hex floats and `inf`.
    static func float(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        let bytes = Array(text.utf8)
        var index = 0
        if index < bytes.count,
            bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+")
        {
            index += 1
        }
        let integerStart = index
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        var mantissaDigits = index - integerStart
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            mantissaDigits += index - fractionStart
        }
        guard mantissaDigits > 0 else { return nil }
        if index < bytes.count,
            bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")
        {
            index += 1
            if index < bytes.count,
                bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+")
            {
                index += 1
            }
            let exponentStart = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            guard index > exponentStart else { return nil }
        }
        guard index == bytes.count else { return nil }
        return Double(text)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
