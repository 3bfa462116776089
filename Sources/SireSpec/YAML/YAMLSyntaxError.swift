import CYAML
import SireCore

/// A libyaml parse failure turned into a problem a user can act on.
///
/// libyaml's text is kept, with the context it gives ("while scanning a simple key at ...").
/// A tab in indentation gets its own rule and points at the tab, because libyaml's messages for
/// it ("found character that cannot start any token") do not say what is wrong.
struct YAMLSyntaxError {
    var rule: YAMLRule
    var message: String
    var position: SourcePosition

    init(parser: yaml_parser_t, text: UnsafeBufferPointer<UInt8>) {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        let source = YAMLSource(String(decoding: text, as: UTF8.self))

        if parser.error == YAML_READER_ERROR {
            // Reader errors carry a byte offset instead of a mark.
            let index = Self.scalarIndex(ofByteOffset: parser.problem_offset, in: text)
            rule = .syntax
            message =
                parser.problem_value >= 0
                ? "\(problem) (U+\(Self.hex(parser.problem_value)))" : problem
            position = source.position(ofIndex: index)
            return
        }

        let at = YAMLComposer.position(parser.problem_mark)
        if parser.error == YAML_SCANNER_ERROR || parser.error == YAML_PARSER_ERROR,
            let tab = Self.indentationTab(near: at, in: source)
        {
            rule = .tab
            message = "tab character in indentation; YAML indents with spaces only"
            position = tab
            return
        }

        rule = .syntax
        position = at
        var text = problem
        if problem == "found character that cannot start any token",
            let character = source.scalars[safe: source.index(of: at)]
        {
            text = "found character '\(character)' that cannot start any token"
            if "@`".unicodeScalars.contains(character) { text += "; quote the value" }
        } else if problem == "mapping values are not allowed in this context" {
            text += "; quote a value that contains ': '"
        }
        if let context = parser.context.map({ String(cString: $0) }) {
            let contextAt = YAMLComposer.position(parser.context_mark)
            text += " (\(context) at line \(contextAt.line), column \(contextAt.column))"
        }
        message = text
    }

    /// The tab libyaml stumbled on: the one at the error, or the first in the error line's
    /// leading whitespace.
    private static func indentationTab(near position: SourcePosition, in source: YAMLSource)
        -> SourcePosition?
    {
        if source.scalars[safe: source.index(of: position)] == "\t" { return position }
        guard position.line <= source.lineCount else { return nil }
        var index = source.lineStarts[position.line - 1]
        while let scalar = source.scalars[safe: index], scalar == " " || scalar == "\t" {
            if scalar == "\t" { return source.position(ofIndex: index) }
            index += 1
        }
        return nil
    }

    private static func scalarIndex(ofByteOffset offset: Int, in text: UnsafeBufferPointer<UInt8>)
        -> Int
    {
        var count = 0
        for byte in text.prefix(offset) where byte & 0xC0 != 0x80 { count += 1 }
        let hasBOM = text.count >= 3 && text[0] == 0xEF && text[1] == 0xBB && text[2] == 0xBF
        return hasBOM && offset >= 3 ? count - 1 : count
    }

    private static func hex(_ value: Int32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}
