import SireCore
import Testing

@testable import SireSpec

@Suite("YAML value offsets to file positions")
struct YAMLValuePositionTests {
    /// Where `needle` sits in the file, found in the first scalar value that contains it.
    private func position(
        of needle: String, in text: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> SourcePosition {
        let root = try composeRoot(text, sourceLocation: sourceLocation)
        let node = try #require(
            Self.scalar(containing: needle, in: root), sourceLocation: sourceLocation)
        let value = try #require(node.scalar, sourceLocation: sourceLocation)
        let range = try #require(value.firstRange(of: needle), sourceLocation: sourceLocation)
        let offset = value.unicodeScalars.distance(from: value.startIndex, to: range.lowerBound)
        let source = YAMLSource(text)
        // The exact walk, not the first-line fallback, must have produced the answer.
        let located = YAMLScalarLocator.locate(
            value: value, style: try #require(node.scalarStyle),
            start: source.index(of: node.start),
            end: source.index(of: node.end), in: source)
        #expect(located != nil, "rebuilt text did not match", sourceLocation: sourceLocation)
        return node.position(ofValueOffset: offset, in: source)
    }

    static let cases: [(String, String, SourcePosition)] = [
        // plain, one line and folded over lines
        ("msg: hello {{ x }}\n", "{{", pos(1, 12)),
        ("msg: hello\n  world {{ x }}\n", "{{", pos(2, 9)),
        ("msg: a\n\n   b  {{ x }}\n", "{{", pos(3, 7)),
        // single-quoted with a doubled quote, and over lines
        ("msg: 'it''s {{ x }}'\n", "{{", pos(1, 13)),
        ("msg: 'first\n   second {{ x }}'\n", "{{", pos(2, 11)),
        // double-quoted with escapes, over lines, and with an escaped line break
        ("msg: \"a\\tb {{ x }}\"\n", "{{", pos(1, 12)),
        ("msg: \"\\u00e9\\x41\\\"q\\\\ {{ x }}\"\n", "{{", pos(1, 23)),
        ("msg: \"first\n  second {{ x }}\"\n", "{{", pos(2, 10)),
        ("msg: \"abc \\\n    def {{ x }}\"\n", "{{", pos(2, 9)),
        ("msg: \"abc\n\n  def {{ x }}\"\n", "{{", pos(3, 7)),
        // literal block scalars: clip, strip, keep, explicit indentation
        ("run: |\n  echo one\n  echo {{ x }}\n", "{{", pos(3, 8)),
        ("run: |-\n    echo one\n\n      echo {{ x }}\nnext: 1\n", "{{", pos(4, 12)),
        ("run: |+\n  a\n  b {{ x }}\n\n", "{{", pos(3, 5)),
        ("run: |2-\n    x {{ y }}\n", "{{", pos(2, 7)),
        ("run: | # comment\n\n  after blank {{ x }}\n", "{{", pos(3, 15)),
        // folded block scalars, including more-indented lines
        ("text: >\n  one\n  two {{ x }}\n\n  three\n", "{{", pos(3, 7)),
        ("text: >\n  one\n\n  two\n    more {{ x }}\n  four\n", "{{", pos(5, 10)),
        ("text: >-\n  a\n  b\n  c {{ x }}\n", "{{", pos(4, 5)),
        // nested, tagged, anchored and non-ASCII
        ("steps:\n  - params:\n      url: \"https://x/{{ inputs.r }}\"\n", "{{", pos(3, 23)),
        ("msg: !!str &a \"x {{ y }}\"\n", "{{", pos(1, 18)),
        ("msg: !!str\n  # why\n  \"x {{ y }}\"\n", "{{", pos(3, 6)),
        ("title: é€😀 {{ x }}\n", "{{", pos(1, 12)),
        ("title: \"日本語 {{ x }}\"\n", "{{", pos(1, 13)),
        ("run: |\n  héllo 😀\n  {{ x }}\n", "{{", pos(3, 3)),
        ("a: |\r\n  x\r\n  y {{ z }}\r\n", "{{", pos(3, 5)),
        ("flow: { msg: \"a {{ b }}\", other: 1 }\n", "{{", pos(1, 17)),
        ("\u{FEFF}msg: x {{ y }}\n", "{{", pos(1, 8)),
    ]

    @Test(arguments: cases)
    func anOffsetInTheValueMapsToItsLineAndColumn(
        text: String, needle: String, expected: SourcePosition
    ) throws {
        let position = try position(of: needle, in: text)
        #expect(position == expected)
    }

    @Test func everyScalarOfAMultiLineDoubleQuotedValueMapsBackToItself() throws {
        let text = "msg: \"alpha beta\n   gamma\\tdelta\n\n   epsilon\"\n"
        let root = try composeRoot(text)
        let node = try #require(root["msg"])
        let source = YAMLSource(text)
        let value = Array(try #require(node.scalar).unicodeScalars)
        for (offset, scalar) in value.enumerated()
        where scalar != " " && scalar != "\n" && scalar != "\t" {
            let position = node.position(ofValueOffset: offset, in: source)
            let line = Array(try #require(source.lineText(position.line)).unicodeScalars)
            #expect(line[position.column - 1] == scalar, "offset \(offset)")
        }
    }

    @Test func offsetsPastTheEndMapToTheEndOfTheValue() throws {
        let text = "msg: \"abc\"\nrun: |\n  x\n\nnext: 1\n"
        let root = try composeRoot(text)
        let source = YAMLSource(text)
        #expect(root["msg"]?.position(ofValueOffset: 3, in: source) == pos(1, 10))
        #expect(root["msg"]?.position(ofValueOffset: 99, in: source) == pos(1, 10))
        // "x\n": the clipped newline is the line break after x.
        #expect(root["run"]?.position(ofValueOffset: 1, in: source) == pos(3, 4))
    }

    @Test func anEmptyValueMapsToItsStart() throws {
        let text = "a:\nb: ''\n"
        let root = try composeRoot(text)
        let source = YAMLSource(text)
        #expect(root["a"]?.position(ofValueOffset: 0, in: source) == pos(1, 3))
        #expect(root["b"]?.position(ofValueOffset: 0, in: source) == pos(2, 5))
    }

    @Test func aCollectionMapsToItsStart() throws {
        let text = "list:\n  - a\n"
        let root = try composeRoot(text)
        #expect(root["list"]?.position(ofValueOffset: 3, in: YAMLSource(text)) == pos(2, 3))
    }

    @Test func sourceLinesFollowLibyamlLineBreaks() {
        let source = YAMLSource("a\r\nb\rc\u{2028}d\ne")
        #expect(source.lineCount == 5)
        #expect((1...5).map { source.lineText($0) } == ["a", "b", "c", "d", "e"])
        #expect(source.lineText(6) == nil)
    }

    private static func scalar(containing needle: String, in node: YAMLNode) -> YAMLNode? {
        switch node.kind {
        case .scalar(let text, _):
            return text.contains(needle) ? node : nil
        case .sequence(let items):
            return items.lazy.compactMap { scalar(containing: needle, in: $0) }.first
        case .mapping(let pairs):
            return pairs.lazy.compactMap { scalar(containing: needle, in: $0.value) }.first
        }
    }
}
