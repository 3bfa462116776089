import CYAML
import SireCore

/// Composes YAML text into located nodes through libyaml's event API.
///
/// Only the first document is composed. Plain scalars are kept as text; `YAMLNode.value`
/// resolves them with the YAML 1.2 core schema. Anchors and aliases are supported (within
/// `YAMLLimits`); `<<` merge keys are reported as `yaml-merge-key` and dropped.
public enum YAMLComposer {
    /// Composes `text`, returning the root node (nil for an empty stream) and every problem found.
    ///
    /// A syntax error ends composition: the problems found before it are kept, the root is nil.
    public static func compose(_ text: String, limits: YAMLLimits = .init()) -> YAMLDocumentResult {
        var text = text
        return text.withUTF8 { bytes in
            guard let base = bytes.baseAddress, !bytes.isEmpty else {
                return YAMLDocumentResult(root: nil, problems: [])
            }
            var builder = YAMLTreeBuilder(limits: limits)
            let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
            defer { parser.deallocate() }
            guard yaml_parser_initialize(parser) == 1 else {
                builder.fail(
                    .syntax, "libyaml could not allocate a parser",
                    at: SourcePosition(line: 1, column: 1))
                return builder.result()
            }
            defer { yaml_parser_delete(parser) }
            yaml_parser_set_input_string(parser, base, bytes.count)

            let event = UnsafeMutablePointer<yaml_event_t>.allocate(capacity: 1)
            defer { event.deallocate() }
            while !builder.isFinished {
                guard yaml_parser_parse(parser, event) == 1 else {
                    let error = YAMLSyntaxError(parser: parser.pointee, text: bytes)
                    builder.fail(error.rule, error.message, at: error.position)
                    break
                }
                defer { yaml_event_delete(event) }
                if event.pointee.type == YAML_STREAM_END_EVENT { break }
                feed(event, to: &builder)
            }
            return builder.result()
        }
    }

    private static func feed(
        _ event: UnsafePointer<yaml_event_t>, to builder: inout YAMLTreeBuilder
    ) {
        let event = event.pointee
        let start = position(event.start_mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            builder.documentStart(at: start)
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let text = String(
                decoding: UnsafeBufferPointer(start: data.value, count: data.length), as: UTF8.self)
            builder.scalar(
                text, style: style(data.style), tag: tag(data.tag), anchor: string(data.anchor),
                start: start, end: position(event.end_mark))
        case YAML_ALIAS_EVENT:
            builder.alias(
                string(event.data.alias.anchor) ?? "", start: start, end: position(event.end_mark))
        case YAML_SEQUENCE_START_EVENT:
            let data = event.data.sequence_start
            builder.collectionStart(
                isMapping: false, tag: tag(data.tag), anchor: string(data.anchor), start: start)
        case YAML_MAPPING_START_EVENT:
            let data = event.data.mapping_start
            builder.collectionStart(
                isMapping: true, tag: tag(data.tag), anchor: string(data.anchor), start: start)
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            builder.collectionEnd(at: position(event.end_mark))
        default:
            break
        }
    }

    /// libyaml marks are 0-based and count characters; positions are 1-based.
    static func position(_ mark: yaml_mark_t) -> SourcePosition {
        SourcePosition(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    /// Core tags in the `!!name` shorthand users wrote, rather than libyaml's full URI.
    private static func tag(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let tag = string(pointer) else { return nil }
        let core = "tag:yaml.org,2002:"
        return tag.hasPrefix(core) ? "!!" + tag.dropFirst(core.count) : tag
    }

    private static func style(_ style: yaml_scalar_style_t) -> ScalarStyle {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .plain
        }
    }
}
