/// Splits expression text into tokens with absolute Unicode-scalar ranges.
///
/// In template mode it stops at the `}}` that closes the part (a `}` that closes an object
/// literal's `{` does not count), so `{{ {a: {b: 1}} }}` reads as one expression.
struct Lexer {
    private let scalars: [Unicode.Scalar]
    /// Absolute offset of `scalars[0]`.
    private let baseOffset: Int
    private var index: Int
    /// In template mode, the offset of the opening `{{`, for the "unterminated" error.
    private let templateOpen: Int?
    private var braceDepth = 0

    /// Index just past the closing `}}` once a template part has been tokenized.
    private(set) var resumeIndex: Int

    init(scalars: [Unicode.Scalar], start: Int, baseOffset: Int, templateOpen: Int? = nil) {
        self.scalars = scalars
        self.baseOffset = baseOffset
        self.index = start
        self.templateOpen = templateOpen
        self.resumeIndex = scalars.count
    }

    mutating func tokenize() throws(ExpressionError) -> [Token] {
        var tokens: [Token] = []
        while true {
            let token = try next(afterDot: tokens.last?.kind == .symbol(.dot))
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private func absolute(_ start: Int, _ end: Int) -> Range<Int> {
        (baseOffset + start)..<(baseOffset + end)
    }

    private func error(_ message: String, from start: Int, to end: Int) -> ExpressionError {
        ExpressionError(message: message, range: absolute(start, end))
    }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        index + ahead < scalars.count ? scalars[index + ahead] : nil
    }

    private mutating func next(afterDot: Bool) throws(ExpressionError) -> Token {
        while let scalar = peek(), scalar.properties.isWhitespace { index += 1 }
        let start = index
        guard let scalar = peek() else {
            if let open = templateOpen {
                throw ExpressionError(
                    message: "unterminated '{{': missing '}}'", offset: baseOffset + open, length: 2
                )
            }
            return Token(kind: .end, range: absolute(start, start))
        }
        if afterDot, Lexer.isMemberCharacter(scalar) {
            while let next = peek(), Lexer.isMemberCharacter(next) { index += 1 }
            return Token(
                kind: .name(String(String.UnicodeScalarView(scalars[start..<index]))),
                range: absolute(start, index))
        }
        if Lexer.isIdentifierStart(scalar) {
            while let next = peek(), Lexer.isIdentifierStart(next) || Lexer.isDigit(next) {
                index += 1
            }
            return Token(
                kind: .name(String(String.UnicodeScalarView(scalars[start..<index]))),
                range: absolute(start, index))
        }
        if Lexer.isDigit(scalar) { return try number() }
        if scalar == "'" || scalar == "\"" { return try string(quote: scalar) }
        return try symbol(scalar)
    }

    private mutating func symbol(_ scalar: Unicode.Scalar) throws(ExpressionError) -> Token {
        let start = index
        let second = peek(1)
        var symbol: Token.Symbol
        var width = 1
        switch scalar {
        case "(": symbol = .leftParen
        case ")": symbol = .rightParen
        case "[": symbol = .leftBracket
        case "]": symbol = .rightBracket
        case "{":
            symbol = .leftBrace
            braceDepth += 1
        case "}":
            if templateOpen != nil, braceDepth == 0, second == "}" {
                resumeIndex = index + 2
                index += 2
                return Token(kind: .end, range: absolute(start, index))
            }
            symbol = .rightBrace
            braceDepth = max(0, braceDepth - 1)
        case ",": symbol = .comma
        case ":": symbol = .colon
        case "?": symbol = .question
        case ".": symbol = .dot
        case "+": symbol = .plus
        case "-": symbol = .minus
        case "*": symbol = .star
        case "/": symbol = .slash
        case "%": symbol = .percent
        case "!":
            symbol = .not
            if second == "=" { (symbol, width) = (.notEqual, 2) }
        case "<":
            symbol = .less
            if second == "=" { (symbol, width) = (.lessEqual, 2) }
        case ">":
            symbol = .greater
            if second == "=" { (symbol, width) = (.greaterEqual, 2) }
        case "=":
            guard second == "=" else {
                throw error("unexpected '=' (use '==' to compare)", from: start, to: start + 1)
            }
            (symbol, width) = (.equal, 2)
        case "&":
            guard second == "&" else {
                throw error("unexpected '&' (use '&&')", from: start, to: start + 1)
            }
            (symbol, width) = (.and, 2)
        case "|":
            guard second == "|" else {
                throw error("unexpected '|' (use '||')", from: start, to: start + 1)
            }
            (symbol, width) = (.or, 2)
        default:
            throw error(
                "unexpected character '\(scalar.escaped(asASCII: false))'", from: start,
                to: start + 1)
        }
        index += width
        return Token(kind: .symbol(symbol), range: absolute(start, index))
    }

    private mutating func number() throws(ExpressionError) -> Token {
        let start = index
        var isInteger = true
        while let scalar = peek(), Lexer.isDigit(scalar) { index += 1 }
        if peek() == ".", let after = peek(1), Lexer.isDigit(after) {
            isInteger = false
            index += 1
            while let scalar = peek(), Lexer.isDigit(scalar) { index += 1 }
        }
        if peek() == "e" || peek() == "E" {
            var ahead = 1
            if peek(1) == "+" || peek(1) == "-" { ahead = 2 }
            guard let digit = peek(ahead), Lexer.isDigit(digit) else {
                throw error(
                    "invalid number: expected digits in exponent", from: start, to: index + ahead)
            }
            isInteger = false
            index += ahead
            while let scalar = peek(), Lexer.isDigit(scalar) { index += 1 }
        }
        if let scalar = peek(), Lexer.isIdentifierStart(scalar) {
            throw error("invalid number", from: start, to: index + 1)
        }
        let text = String(String.UnicodeScalarView(scalars[start..<index]))
        if isInteger {
            guard let value = Int(text) else {
                throw error("integer literal \(text) is too large", from: start, to: index)
            }
            return Token(kind: .integer(value), range: absolute(start, index))
        }
        guard let value = Double(text), value.isFinite else {
            throw error("number literal \(text) is out of range", from: start, to: index)
        }
        return Token(kind: .double(value), range: absolute(start, index))
    }

    private mutating func string(quote: Unicode.Scalar) throws(ExpressionError) -> Token {
        let start = index
        index += 1
        var text = String.UnicodeScalarView()
        while true {
            guard let scalar = peek() else {
                throw error("unterminated string literal", from: start, to: index)
            }
            index += 1
            if scalar == quote { break }
            guard scalar == "\\" else {
                text.append(scalar)
                continue
            }
            text.append(try escape(at: index - 1))
        }
        return Token(kind: .string(String(text)), range: absolute(start, index))
    }

    private mutating func escape(at backslash: Int) throws(ExpressionError) -> Unicode.Scalar {
        guard let scalar = peek() else {
            throw error("unterminated string literal", from: backslash, to: index)
        }
        index += 1
        switch scalar {
        case "\\", "'", "\"", "/": return scalar
        case "n": return "\n"
        case "t": return "\t"
        case "r": return "\r"
        case "0": return "\0"
        case "u":
            let braced = peek() == "{"
            if braced { index += 1 }
            var value: UInt32 = 0
            var digits = 0
            while digits < (braced ? 8 : 4), let next = peek(), let digit = Lexer.hexValue(next) {
                value = value << 4 | digit
                digits += 1
                index += 1
            }
            if braced {
                guard digits > 0, peek() == "}" else {
                    throw error("invalid \\u{...} escape", from: backslash, to: index)
                }
                index += 1
            } else if digits != 4 {
                throw error(
                    "invalid \\u escape: expected four hex digits", from: backslash, to: index)
            }
            guard let result = Unicode.Scalar(value) else {
                throw error("invalid \\u escape: not a Unicode scalar", from: backslash, to: index)
            }
            return result
        default:
            throw error(
                "invalid escape '\\\(scalar.escaped(asASCII: false))'", from: backslash, to: index)
        }
    }

    static func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "0"..."9": scalar.value - 48
        case "a"..."f": scalar.value - 87
        case "A"..."F": scalar.value - 55
        default: nil
        }
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }

    static func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_"
    }

    /// Property names after `.` may hold `-` and start with a digit, because step ids
    /// (`fetch-data`, `2nd`) are used as names: `steps.fetch-data.output`.
    static func isMemberCharacter(_ scalar: Unicode.Scalar) -> Bool {
        isIdentifierStart(scalar) || isDigit(scalar) || scalar == "-"
    }
}
