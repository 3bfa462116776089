import SireCore

/// Matches literal YAML params against a JSON Schema subset (`type` with integer vs number,
/// `required`, `enum`, `properties`, `additionalProperties`, `items`, `anyOf`/`oneOf`),
/// collecting `mcp-param-schema` diagnostics at the offending nodes.
///
/// Strings holding `{{` are templates whose value is known only at run time: they, and
/// anything the schema does not constrain (`$ref`, formats, bounds), always match.
struct SchemaMatcher {
    let path: String
    let source: YAMLSource
    let tool: String
    private(set) var diagnostics: [Diagnostic] = []

    init(path: String, source: YAMLSource, tool: String) {
        self.path = path
        self.source = source
        self.tool = tool
    }

    /// Reports every way `node` (at param path `name`) fails `schema`.
    mutating func match(_ node: YAMLNode, schema: Value, at name: String) {
        if let problem = firstProblem(node, schema: schema, at: name) {
            report(problem.message, at: problem.position)
        }
    }

    /// No `params` at all: only the schema's `required` can fail, reported at the tool.
    mutating func matchMissing(schema: Value, at toolNode: YAMLNode) {
        guard case .object(let fields) = schema, case .array(let required)? = fields["required"] else { return }
        let names = required.compactMap { if case .string(let s) = $0 { s } else { nil } }
        guard !names.isEmpty else { return }
        report(
            "'\(tool)' requires params \(names.map { "'\($0)'" }.joined(separator: ", ")), but the step has none",
            at: toolNode.start)
    }

    private mutating func report(_ message: String, at position: SourcePosition) {
        diagnostics.append(
            Diagnostic(rule: Rule.mcpParamSchema, path: path, position: position, message: "\(tool): \(message)"))
    }

    private struct Problem {
        var message: String
        var position: SourcePosition
    }

    /// The first problem of one value; object fields each get their own diagnostic through
    /// `match` so that one bad param does not hide another.
    private mutating func firstProblem(_ node: YAMLNode, schema: Value, at name: String) -> Problem? {
        guard case .object(let s) = schema else { return nil }
        if let text = node.scalar, node.value.isString, text.contains("{{") { return nil }
        let value = node.value
        for key in ["anyOf", "oneOf"] {
            guard case .array(let branches)? = s[key], !branches.isEmpty else { continue }
            let fits = branches.contains { branch in
                var probe = SchemaMatcher(path: path, source: source, tool: tool)
                return probe.firstProblem(node, schema: branch, at: name) == nil && probe.diagnostics.isEmpty
            }
            if !fits {
                return Problem(
                    message: "param '\(name)' matches none of the allowed schemas, got \(Self.describe(value))",
                    position: node.start)
            }
        }
        if let types = Self.types(s["type"]), !types.contains(where: { Self.value(value, is: $0) }) {
            let wanted = types.map(Self.article).joined(separator: " or ")
            return Problem(
                message: "param '\(name)' must be \(wanted), got \(Self.describe(value))", position: node.start)
        }
        if case .array(let allowed)? = s["enum"], !allowed.contains(where: { Self.equal($0, value) }) {
            let list = allowed.map { $0.jsonString(pretty: false) }.joined(separator: ", ")
            return Problem(
                message: "param '\(name)' must be one of \(list), got \(Self.describe(value))", position: node.start)
        }
        if let pairs = node.mapping {
            matchObject(node, pairs: pairs, schema: s, at: name)
        } else if let items = node.sequence, let itemSchema = s["items"] {
            for (i, item) in items.enumerated() { match(item, schema: itemSchema, at: "\(name)[\(i)]") }
        }
        return nil
    }

    private mutating func matchObject(_ node: YAMLNode, pairs: [YAMLPair], schema s: [String: Value], at name: String) {
        let properties: [String: Value]
        if case .object(let p)? = s["properties"] { properties = p } else { properties = [:] }
        let present = Set(pairs.map(\.key.keyText))
        if case .array(let required)? = s["required"] {
            for case .string(let key) in required where !present.contains(key) {
                report("missing required param '\(Self.join(name, key))'", at: node.start)
            }
        }
        for pair in pairs {
            let key = pair.key.keyText
            if let property = properties[key] {
                match(pair.value, schema: property, at: Self.join(name, key))
            } else {
                switch s["additionalProperties"] {
                case .bool(false)?:
                    let known = properties.keys.sorted()
                    report(
                        "unknown param '\(Self.join(name, key))' (the tool takes "
                            + (known.isEmpty ? "none" : known.joined(separator: ", ")) + ")"
                            + Suggestion.hint(for: key, in: known),
                        at: pair.key.start)
                case .object(let extra)?:
                    match(pair.value, schema: .object(extra), at: Self.join(name, key))
                default:
                    break
                }
            }
        }
    }

    /// `params.a`, without the leading `params.` when the schema is the whole params object.
    private static func join(_ name: String, _ key: String) -> String {
        name == "params" ? key : "\(name).\(key)"
    }

    private static func types(_ type: Value?) -> [String]? {
        switch type {
        case .string(let one)?: [one]
        case .array(let many)?: many.compactMap { if case .string(let s) = $0 { s } else { nil } }
        default: nil
        }
    }

    private static func value(_ value: Value, is type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object): true
        case ("integer", .int), ("number", .int), ("number", .double): true
        // JSON Schema counts 2.0 as an integer.
        case ("integer", .double(let d)): d.isFinite && d.rounded() == d
        default: !["null", "boolean", "string", "array", "object", "integer", "number"].contains(type)
        }
    }

    private static func equal(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.int(let x), .double(let y)), (.double(let y), .int(let x)): Double(x) == y
        default: a == b
        }
    }

    private static func article(_ type: String) -> String {
        switch type {
        case "integer", "array", "object": "an \(type)"
        case "null": "null"
        default: "a \(type)"
        }
    }

    private static func describe(_ value: Value) -> String {
        switch value {
        case .null: "null"
        case .bool(let b): "boolean \(b)"
        case .int(let i): "integer \(i)"
        case .double(let d): "number \(d)"
        case .string(let s): "string \(Value.string(s).jsonString(pretty: false))"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

extension Value {
    fileprivate var isString: Bool {
        if case .string = self { true } else { false }
    }
}
