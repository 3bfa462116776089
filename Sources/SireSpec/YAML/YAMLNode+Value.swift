import SireCore

extension YAMLNode {
    /// The node as a JSON-shaped value: plain scalars resolved with the YAML 1.2 core schema,
    /// explicit core tags honoured, mapping keys as their scalar text.
    ///
    /// A scalar whose core tag does not fit (`!!int abc`) stays a string; the composer reports it.
    public var value: Value {
        switch kind {
        case .scalar(let text, let style):
            switch YAMLCoreSchema.resolve(text, style: style, tag: tag) {
            case .value(let value): return value
            case .invalid: return .string(text)
            }
        case .sequence(let items):
            return .array(items.map(\.value))
        case .mapping(let pairs):
            var object: [String: Value] = [:]
            object.reserveCapacity(pairs.count)
            for pair in pairs where object[pair.key.keyText] == nil {
                object[pair.key.keyText] = pair.value.value
            }
            return .object(object)
        }
    }

    /// The text a node stands for as a mapping key: a scalar's own text (so `on` and `1` are the
    /// keys `"on"` and `"1"`), a collection in flow notation.
    public var keyText: String {
        switch kind {
        case .scalar(let text, _):
            return text
        case .sequence(let items):
            return "[" + items.map(\.keyText).joined(separator: ", ") + "]"
        case .mapping(let pairs):
            return "{"
                + pairs.map { "\($0.key.keyText): \($0.value.keyText)" }.joined(separator: ", ")
                + "}"
        }
    }
}
