extension Value {
    /// Why a JSON text could not be read, and where.
    public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong, e.g. `expected ',' or ']' in array`.
        public var message: String
        /// Offset of the problem in UTF-8 bytes from the start of the text.
        public var offset: Int

        /// Creates an error at a byte offset.
        public init(message: String, offset: Int) {
            self.message = message
            self.offset = offset
        }

        /// `invalid JSON at byte N: message`
        public var description: String { "invalid JSON at byte \(offset): \(message)" }
    }

    /// The deepest array/object nesting `parseJSON` accepts by default.
    public static let maximumJSONDepth = 512

    /// Reads strict JSON (RFC 8259) into a value.
    ///
    /// Integers that fit in `Int` stay `.int`; other numbers become `.double`. Duplicate object
    /// keys keep the last value. Nesting deeper than `maxDepth` is refused rather than risking
    /// the stack on hostile input.
    public static func parseJSON(_ text: String, maxDepth: Int = maximumJSONDepth)
        throws(JSONParseError) -> Value
    {
        var reader = JSONReader(bytes: Array(text.utf8), maxDepth: maxDepth)
        return try reader.readDocument()
    }
}

/// A recursive-descent reader over UTF-8 bytes; depth is bounded by `maxDepth`.
private struct JSONReader {
    let bytes: [UInt8]
    let maxDepth: Int
    var position = 0
    var depth = 0

    init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    mutating func readDocument() throws(Value.JSONParseError) -> Value {
        let value = try readValue()
        skipWhitespace()
        if position < bytes.count {
            throw failure("unexpected content after the JSON value")
        }
        return value
    }

    private func failure(_ message: String, at offset: Int? = nil) -> Value.JSONParseError {
        Value.JSONParseError(message: message, offset: offset ?? position)
    }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
            position += 1
        }
    }

    private mutating func readValue() throws(Value.JSONParseError) -> Value {
        skipWhitespace()
        guard let byte = current else { throw failure("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"): return try readObject()
        case UInt8(ascii: "["): return try readArray()
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"): return try readLiteral("true", .bool(true))
        case UInt8(ascii: "f"): return try readLiteral("false", .bool(false))
        case UInt8(ascii: "n"): return try readLiteral("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try readNumber()
        default: throw failure("unexpected character")
        }
    }

    private mutating func readLiteral(_ word: String, _ value: Value) throws(Value.JSONParseError)
        -> Value
    {
        let start = position
        for expected in word.utf8 {
            guard current == expected else {
                throw failure("invalid literal, expected '\(word)'", at: start)
            }
            position += 1
        }
        return value
    }

    private mutating func enterContainer() throws(Value.JSONParseError) {
        depth += 1
        if depth > maxDepth { throw failure("nesting deeper than \(maxDepth) levels") }
    }

    private mutating func readArray() throws(Value.JSONParseError) -> Value {
        try enterContainer()
        defer { depth -= 1 }
        position += 1
        var items: [Value] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            position += 1
            return .array(items)
        }
        while true {
            items.append(try readValue())
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"):
                position += 1
                return .array(items)
            default: throw failure("expected ',' or ']' in array")
            }
        }
    }

    private mutating func readObject() throws(Value.JSONParseError) -> Value {
        try enterContainer()
        defer { depth -= 1 }
        position += 1
        var members: [String: Value] = [:]
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else {
                throw failure("expected a string key in object")
            }
            let key = try readString()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else {
                throw failure("expected ':' after object key")
            }
            position += 1
            members[key] = try readValue()
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                return .object(members)
            default: throw failure("expected ',' or '}' in object")
            }
        }
    }

    private mutating func readString() throws(Value.JSONParseError) -> String {
        let start = position
        position += 1
        var scalars = String.UnicodeScalarView()
        var runStart = position
        // Unescaped runs are copied as whole UTF-8 slices; only escapes are decoded one by one.
        func flush(_ end: Int) {
            if end > runStart {
                scalars.append(
                    contentsOf: String(decoding: bytes[runStart..<end], as: UTF8.self)
                        .unicodeScalars)
            }
        }
        while true {
            guard let byte = current else { throw failure("unterminated string", at: start) }
            switch byte {
            case UInt8(ascii: "\""):
                flush(position)
                position += 1
                return String(scalars)
            case UInt8(ascii: "\\"):
                flush(position)
                position += 1
                scalars.append(try readEscape())
                runStart = position
            case 0x00..<0x20:
                throw failure("control character in string")
            default:
                position += 1
            }
        }
    }

    private mutating func readEscape() throws(Value.JSONParseError) -> Unicode.Scalar {
        guard let byte = current else { throw failure("unterminated escape") }
        position += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let escapeStart = position - 2
            let high = try readHex4()
            if (0xD800..<0xDC00).contains(high) {
                guard current == UInt8(ascii: "\\"), position + 1 < bytes.count,
                    bytes[position + 1] == UInt8(ascii: "u")
                else { throw failure("unpaired surrogate in \\u escape", at: escapeStart) }
                position += 2
                let low = try readHex4()
                guard (0xDC00..<0xE000).contains(low) else {
                    throw failure("unpaired surrogate in \\u escape", at: escapeStart)
                }
                return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
            }
            guard let scalar = Unicode.Scalar(high) else {
                throw failure("unpaired surrogate in \\u escape", at: escapeStart)
            }
            return scalar
        default:
            throw failure("invalid escape", at: position - 2)
        }
    }

    private mutating func readHex4() throws(Value.JSONParseError) -> UInt32 {
        var result: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = current, let digit = hexDigit(byte) else {
                throw failure("expected four hex digits in \\u escape")
            }
            result = result << 4 | digit
            position += 1
        }
        return result
    }

    private func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private mutating func readNumber() throws(Value.JSONParseError) -> Value {
        let start = position
        var isInteger = true
        if current == UInt8(ascii: "-") { position += 1 }
        if current == UInt8(ascii: "0") {
            position += 1
        } else if readDigits() == 0 {
            throw failure("invalid number", at: start)
        }
        if current == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            if readDigits() == 0 { throw failure("expected digits after '.'", at: start) }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            if readDigits() == 0 { throw failure("expected digits in exponent", at: start) }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if isInteger, let integer = Int(text) { return .int(integer) }
        guard let number = Double(text), number.isFinite else {
            throw failure("number out of range", at: start)
        }
        return .double(number)
    }

    private mutating func readDigits() -> Int {
        let start = position
        while let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
            position += 1
        }
        return position - start
    }
}
