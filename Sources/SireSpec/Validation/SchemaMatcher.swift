import SireCore

/// Matches literal YAML params against a JSON Schema subset (`type` with integer vs number,
/// `required`, `enum`, `const`, `properties`, `additionalProperties`, `items`,
/// `anyOf`/`oneOf`/`allOf`, local `$ref`s into `$defs`/`definitions` (as pydantic writes them),
/// `minimum`/`maximum` and their exclusive forms, `minLength`/`maxLength`, `pattern`,
/// `minItems`/`maxItems`), collecting `mcp-param-schema` diagnostics at the offending nodes.
///
/// Strings holding `{{` are templates whose value is known only at run time: they, and
/// anything the schema does not constrain (remote `$ref`s, formats), always match.
struct SchemaMatcher {
    let path: String
    let source: YAMLSource
    let tool: String
    private(set) var diagnostics: [Diagnostic] = []
    /// The whole input schema, which local `$ref`s point into (set by the first match).
    private var root: Value = .null
    /// How many `$ref`s may be followed in a row without reaching a constraint (a reference cycle).
    private static let refLimit = 32

    init(path: String, source: YAMLSource, tool: String) {
        self.path = path
        self.source = source
        self.tool = tool
    }

    /// Reports every way `node` (at param path `name`) fails `schema`.
    mutating func match(_ node: YAMLNode, schema: Value, at name: String) {
        if root == .null { root = schema }
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
        guard case .object(var s) = schema else { return nil }
        if let text = node.scalar, node.value.isString, text.contains("{{") { return nil }
        var hops = 0
        while case .string(let reference)? = s["$ref"], hops < Self.refLimit {
            guard case .object(let target)? = resolve(reference) else { break }
            // Keywords beside the reference apply too (JSON Schema 2019+); the target's win.
            s.removeValue(forKey: "$ref")
            s.merge(target) { _, new in new }
            hops += 1
        }
        let value = node.value
        if case .array(let branches)? = s["allOf"] {
            for branch in branches {
                if let problem = firstProblem(node, schema: branch, at: name) { return problem }
            }
        }
        for key in ["anyOf", "oneOf"] {
            guard case .array(let branches)? = s[key], !branches.isEmpty else { continue }
            let fits = branches.contains { branch in
                var probe = SchemaMatcher(path: path, source: source, tool: tool)
                probe.root = root
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
        if let constant = s["const"], !Self.equal(constant, value) {
            return Problem(
                message: "param '\(name)' must be \(constant.jsonString(pretty: false)), got \(Self.describe(value))",
                position: node.start)
        }
        if let bound = Self.boundProblem(value, s) {
            return Problem(message: "param '\(name)' \(bound)", position: node.start)
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

    /// The schema a local reference (`#`, `#/$defs/X`, any JSON pointer into the input schema)
    /// names; nil for remote references, which are not fetched.
    private func resolve(_ reference: String) -> Value? {
        guard reference.hasPrefix("#") else { return nil }
        var current = root
        for raw in reference.dropFirst().split(separator: "/", omittingEmptySubsequences: true) {
            let token = String(raw).replacing("~1", with: "/").replacing("~0", with: "~")
            switch current {
            case .object(let fields):
                guard let next = fields[token] else { return nil }
                current = next
            case .array(let items):
                guard let i = Int(token), items.indices.contains(i) else { return nil }
                current = items[i]
            default: return nil
            }
        }
        return current
    }

    /// What a number, string or array breaks of the schema's bounds, if anything.
    private static func boundProblem(_ value: Value, _ s: [String: Value]) -> String? {
        func number(_ key: String) -> Double? {
            switch s[key] {
            case .int(let i)?: Double(i)
            case .double(let d)?: d
            default: nil
            }
        }
        func count(_ key: String) -> Int? {
            switch s[key] {
            case .int(let i)?: i
            case .double(let d)? where d.rounded() == d: Int(d)
            default: nil
            }
        }
        func show(_ d: Double) -> String { d.rounded() == d && abs(d) < 1e15 ? String(Int(d)) : String(d) }
        switch value {
        case .int, .double:
            let x: Double =
                if case .int(let i) = value { Double(i) } else if case .double(let d) = value { d } else { 0 }
            if let m = number("minimum"), x < m { return "must be at least \(show(m)), got \(show(x))" }
            if let m = number("maximum"), x > m { return "must be at most \(show(m)), got \(show(x))" }
            if let m = number("exclusiveMinimum"), x <= m { return "must be above \(show(m)), got \(show(x))" }
            if let m = number("exclusiveMaximum"), x >= m { return "must be below \(show(m)), got \(show(x))" }
        case .string(let text):
            let length = text.unicodeScalars.count
            if let n = count("minLength"), length < n { return "must have at least \(n) characters, got \(length)" }
            if let n = count("maxLength"), length > n { return "must have at most \(n) characters, got \(length)" }
            if case .string(let pattern)? = s["pattern"],
                let regex = try? Regex(pattern), (try? regex.firstMatch(in: text)) == nil
            {
                return
                    "must match the pattern \(Value.string(pattern).jsonString(pretty: false)), got \(Value.string(text).jsonString(pretty: false))"
            }
        case .array(let items):
            if let n = count("minItems"), items.count < n { return "must have at least \(n) items, got \(items.count)" }
            if let n = count("maxItems"), items.count > n { return "must have at most \(n) items, got \(items.count)" }
        default:
            break
        }
        return nil
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
