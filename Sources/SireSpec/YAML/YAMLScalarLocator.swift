/// Re-reads a scalar's source text the way libyaml did, to learn where each scalar of its
/// value came from.
///
/// The walk applies flow folding, quote doubling, escapes and block-scalar indentation and
/// folding; the caller checks the text it rebuilt against the node's value before trusting it.
struct YAMLScalarLocator {
    /// The value's scalars as rebuilt, and the source index each one came from.
    var scalars: [Unicode.Scalar] = []
    var indices: [Int] = []
    /// Source indices of what a block scalar's chomping may add after `scalars`: its last
    /// line break, then its trailing empty lines.
    var tail: [Int] = []
    /// Where an offset past everything above maps to.
    var endIndex: Int

    private let source: YAMLSource

    private init(source: YAMLSource, endIndex: Int) {
        self.source = source
        self.endIndex = endIndex
    }

    /// The locations of a scalar written at `start..<end` in `style`; nil when the rebuilt
    /// text does not match `value` (an unusual construct), so the caller can fall back.
    static func locate(
        value: String, style: ScalarStyle, start: Int, end: Int, in source: YAMLSource
    ) -> YAMLScalarLocator? {
        let expected = Array(value.unicodeScalars)
        let contentStart = skipProperties(from: start, to: end, in: source)
        switch style {
        case .plain, .singleQuoted, .doubleQuoted:
            var locator = YAMLScalarLocator(source: source, endIndex: end)
            locator.walkFlow(style: style, from: contentStart, to: end)
            return locator.scalars == expected ? locator : nil
        case .literal, .folded:
            let header = locateBlockHeader(from: contentStart, in: source)
            var candidates = [header.autoIndent]
            if header.autoIndent > 1 { candidates += (1..<header.autoIndent).reversed() }
            for indent in candidates.prefix(16) {
                var locator = YAMLScalarLocator(source: source, endIndex: end)
                locator.walkBlock(
                    folded: style == .folded, from: header.contentStart, indent: indent)
                if locator.scalars.count <= expected.count,
                    locator.scalars[...] == expected[..<locator.scalars.count],
                    expected[locator.scalars.count...].allSatisfy({ $0 == "\n" })
                {
                    return locator
                }
            }
            return nil
        }
    }

    /// The source index a value offset comes from.
    func index(ofValueOffset offset: Int) -> Int {
        if offset < 0 { return indices.first ?? endIndex }
        if offset < indices.count { return indices[offset] }
        let extra = offset - indices.count
        return extra < tail.count ? tail[extra] : endIndex
    }

    // MARK: - Flow scalars

    private mutating func walkFlow(style: ScalarStyle, from start: Int, to end: Int) {
        let text = source.scalars
        var index = start
        var limit = end
        if style != .plain {
            index += 1
            limit = max(index, end - 1)
            endIndex = limit
        }
        var blanks: [Int] = []
        var breaks: [Int] = []
        var afterEscapedBreak = false

        func emitPending(into locator: inout YAMLScalarLocator) {
            if afterEscapedBreak {
                for position in breaks { locator.emit("\n", at: position) }
            } else if breaks.count == 1 {
                locator.emit(" ", at: breaks[0])
            } else if !breaks.isEmpty {
                for position in breaks.dropFirst() { locator.emit("\n", at: position) }
            } else {
                for position in blanks { locator.emit(text[position], at: position) }
            }
            blanks.removeAll()
            breaks.removeAll()
            afterEscapedBreak = false
        }

        while index < limit {
            let width = source.breakWidth(at: index)
            if width > 0 {
                // Blanks before a line break are not part of the value.
                blanks.removeAll()
                breaks.append(index)
                index += width
                continue
            }
            let scalar = text[index]
            if scalar == " " || scalar == "\t" {
                // Blanks that start a continuation line are not part of the value either.
                if breaks.isEmpty && !afterEscapedBreak { blanks.append(index) }
                index += 1
                continue
            }
            emitPending(into: &self)
            if style == .singleQuoted, scalar == "'", index + 1 < limit, text[index + 1] == "'" {
                emit("'", at: index)
                index += 2
            } else if style == .doubleQuoted, scalar == "\\", index + 1 < limit {
                let breakWidth = source.breakWidth(at: index + 1)
                if breakWidth > 0 {
                    afterEscapedBreak = true
                    index += 1 + breakWidth
                } else {
                    let (decoded, length) = Self.decodeEscape(text, at: index + 1)
                    emit(decoded ?? text[index + 1], at: index)
                    index += 1 + length
                }
            } else {
                emit(scalar, at: index)
                index += 1
            }
        }
        // Trailing blanks survive only inside quotes, where they come before the closing quote.
        if style != .plain { emitPending(into: &self) }
    }

    /// The scalar an escape after a backslash stands for, and how many source scalars it spans.
    private static func decodeEscape(_ text: [Unicode.Scalar], at index: Int) -> (
        Unicode.Scalar?, Int
    ) {
        let simple: [Unicode.Scalar: Unicode.Scalar] = [
            "0": "\0", "a": "\u{07}", "b": "\u{08}", "t": "\t", "\t": "\t", "n": "\n",
            "v": "\u{0B}",
            "f": "\u{0C}", "r": "\r", "e": "\u{1B}", " ": " ", "\"": "\"", "/": "/", "\\": "\\",
            "N": "\u{85}", "_": "\u{A0}", "L": "\u{2028}", "P": "\u{2029}",
        ]
        let code = text[index]
        if let decoded = simple[code] { return (decoded, 1) }
        let digits: Int
        switch code {
        case "x": digits = 2
        case "u": digits = 4
        case "U": digits = 8
        default: return (nil, 1)
        }
        guard index + digits < text.count else { return (nil, 1) }
        let hex = String(String.UnicodeScalarView(text[(index + 1)...(index + digits)]))
        return (UInt32(hex, radix: 16).flatMap(Unicode.Scalar.init), 1 + digits)
    }

    // MARK: - Block scalars

    private struct BlockHeader {
        var contentStart: Int
        var autoIndent: Int
    }

    /// Skips the `|`/`>` header line and works out the indentation libyaml would detect.
    private static func locateBlockHeader(from start: Int, in source: YAMLSource) -> BlockHeader {
        var index = start
        while index < source.scalars.count, source.breakWidth(at: index) == 0 { index += 1 }
        index += source.breakWidth(at: index)
        let contentStart = index
        var indent = 0
        while index < source.scalars.count {
            var column = 0
            while index < source.scalars.count, source.scalars[index] == " " {
                index += 1
                column += 1
            }
            indent = max(indent, column)
            let width = source.breakWidth(at: index)
            if width == 0 { break }
            index += width
        }
        return BlockHeader(contentStart: contentStart, autoIndent: max(indent, 1))
    }

    private mutating func walkBlock(folded: Bool, from start: Int, indent: Int) {
        let text = source.scalars
        var index = start
        var leadingBreak: Int?
        var trailingBreaks: [Int] = []
        var leadingBlank = false
        while index < text.count {
            var column = 0
            while index < text.count, text[index] == " ", column < indent {
                index += 1
                column += 1
            }
            guard index < text.count else { break }
            let width = source.breakWidth(at: index)
            if width > 0 {
                trailingBreaks.append(index)
                index += width
                continue
            }
            if column < indent { break }
            let trailingBlank = text[index] == " " || text[index] == "\t"
            if let leadingBreak {
                if folded && !leadingBlank && !trailingBlank {
                    if trailingBreaks.isEmpty { emit(" ", at: leadingBreak) }
                } else {
                    emit("\n", at: leadingBreak)
                }
            }
            for position in trailingBreaks { emit("\n", at: position) }
            trailingBreaks.removeAll()
            leadingBlank = trailingBlank
            while index < text.count, source.breakWidth(at: index) == 0 {
                emit(text[index], at: index)
                index += 1
            }
            leadingBreak = index < text.count ? index : nil
            index += source.breakWidth(at: index)
        }
        tail = (leadingBreak.map { [$0] } ?? []) + trailingBreaks
    }

    // MARK: - Helpers

    private mutating func emit(_ scalar: Unicode.Scalar, at index: Int) {
        scalars.append(scalar)
        indices.append(index)
    }

    /// A node's start mark is at its anchor or tag; the scalar itself starts after them,
    /// possibly on a later line.
    private static func skipProperties(from start: Int, to end: Int, in source: YAMLSource) -> Int {
        let text = source.scalars
        var index = start
        while index < end, text[index] == "&" || text[index] == "!" {
            let verbatim = text[index] == "!" && index + 1 < end && text[index + 1] == "<"
            while index < end, source.breakWidth(at: index) == 0,
                verbatim ? text[index] != ">" : text[index] != " " && text[index] != "\t"
            {
                index += 1
            }
            if verbatim { index += 1 }
            // Blanks, line breaks and comments may separate properties from the scalar.
            while index < end {
                if text[index] == " " || text[index] == "\t" {
                    index += 1
                } else if text[index] == "#" {
                    while index < end, source.breakWidth(at: index) == 0 { index += 1 }
                } else if source.breakWidth(at: index) > 0 {
                    index += source.breakWidth(at: index)
                } else {
                    break
                }
            }
        }
        return index
    }
}
