import SireCore

/// Reads located YAML nodes into typed values, recording a diagnostic for every problem instead
/// of stopping at the first, so one validation pass reports everything.
///
/// Not Sendable: one decoder serves one file on one thread.
final class NodeDecoder {
    let path: String
    /// The file's text, to map offsets inside scalars back to line:column.
    let source: YAMLSource
    private(set) var diagnostics: [Diagnostic] = []

    init(path: String, source: YAMLSource) {
        self.path = path
        self.source = source
    }

    /// Where the character `offset` (Unicode scalars into a scalar's value) is in the file.
    func position(of node: YAMLNode, offset: Int) -> SourcePosition {
        node.position(ofValueOffset: offset, in: source)
    }

    func report(
        _ rule: String, at position: SourcePosition, _ message: String, severity: Severity = .error
    ) {
        diagnostics.append(
            Diagnostic(rule: rule, severity: severity, path: path, position: position, message: message))
    }

    func report(_ rule: String, _ node: YAMLNode, _ message: String, severity: Severity = .error) {
        report(rule, at: node.start, message, severity: severity)
    }

    /// A short description of what a node is, for "expected X, got Y" messages.
    func describe(_ node: YAMLNode) -> String {
        switch node.kind {
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .scalar:
            switch node.value {
            case .null: return "null"
            case .bool: return "a boolean"
            case .int: return "an integer"
            case .double: return "a number"
            case .string(let s): return "the string '\(s.count > 40 ? String(s.prefix(40)) + "…" : s)'"
            default: return "a value"
            }
        }
    }

    /// A mapping's entries by key, reporting a non-mapping and every key not in `allowed` (with a
    /// suggestion). Non-string keys are reported and skipped.
    func mapping(_ node: YAMLNode, _ what: String, allowed: [String]?) -> [(
        key: String, keyNode: YAMLNode, value: YAMLNode
    )]? {
        guard case .mapping(let pairs) = node.kind else {
            report(Rule.typeMismatch, node, "\(what) must be a mapping, got \(describe(node))")
            return nil
        }
        var out: [(key: String, keyNode: YAMLNode, value: YAMLNode)] = []
        out.reserveCapacity(pairs.count)
        for pair in pairs {
            guard case .scalar(let key, _) = pair.key.kind else {
                report(Rule.typeMismatch, pair.key, "keys of \(what) must be strings")
                continue
            }
            if let allowed, !allowed.contains(key) {
                report(
                    Rule.unknownKey, pair.key,
                    "unknown key '\(key)' in \(what)\(Suggestion.hint(for: key, in: allowed))")
                continue
            }
            out.append((key, pair.key, pair.value))
        }
        return out
    }

    /// Like `mapping` but as a dictionary for fixed-schema objects.
    func fields(_ node: YAMLNode, _ what: String, allowed: [String]) -> [String: YAMLNode]? {
        guard let entries = mapping(node, what, allowed: allowed) else { return nil }
        var out: [String: YAMLNode] = [:]
        for entry in entries { out[entry.key] = entry.value }
        return out
    }

    func string(_ node: YAMLNode, _ what: String) -> String? {
        if case .scalar(let text, _) = node.kind, case .string = node.value { return text }
        if case .scalar(let text, _) = node.kind, node.tag == nil {
            // A plain number or boolean where a string is expected is almost always meant as
            // text (`name: 2024`), but ids and tools must be strings: callers that care check.
            if case .null = node.value {
                report(Rule.typeMismatch, node, "\(what) must be a string, got null")
                return nil
            }
            return text
        }
        report(Rule.typeMismatch, node, "\(what) must be a string, got \(describe(node))")
        return nil
    }

    func int(_ node: YAMLNode, _ what: String, min: Int? = nil, max: Int? = nil) -> Int? {
        guard case .int(let value) = node.value, case .scalar = node.kind else {
            report(Rule.typeMismatch, node, "\(what) must be an integer, got \(describe(node))")
            return nil
        }
        if let min, value < min {
            report(Rule.invalidValue, node, "\(what) must be at least \(min), got \(value)")
            return nil
        }
        if let max, value > max {
            report(Rule.invalidValue, node, "\(what) must be at most \(max), got \(value)")
            return nil
        }
        return value
    }

    func bool(_ node: YAMLNode, _ what: String) -> Bool? {
        guard case .bool(let value) = node.value, case .scalar = node.kind else {
            report(Rule.typeMismatch, node, "\(what) must be true or false, got \(describe(node))")
            return nil
        }
        return value
    }

    func choice<E: RawRepresentable & CaseIterable>(_ node: YAMLNode, _ what: String, _: E.Type) -> E?
    where E.RawValue == String {
        guard let text = string(node, what) else { return nil }
        if let value = E(rawValue: text) { return value }
        let names = E.allCases.map(\.rawValue)
        report(
            Rule.invalidValue, node,
            "\(what) must be one of \(names.joined(separator: ", ")), got '\(text)'"
                + Suggestion.hint(for: text, in: names))
        return nil
    }

    /// A string or a list of strings (`needs: a` and `needs: [a, b]` are both accepted).
    func stringList(_ node: YAMLNode, _ what: String) -> [(String, YAMLNode)]? {
        switch node.kind {
        case .scalar:
            return string(node, what).map { [($0, node)] }
        case .sequence(let items):
            var out: [(String, YAMLNode)] = []
            for item in items {
                if let text = string(item, "each entry of \(what)") { out.append((text, item)) }
            }
            return out
        case .mapping:
            report(Rule.typeMismatch, node, "\(what) must be a string or a list of strings, got a mapping")
            return nil
        }
    }

    func sequence(_ node: YAMLNode, _ what: String) -> [YAMLNode]? {
        guard case .sequence(let items) = node.kind else {
            report(Rule.typeMismatch, node, "\(what) must be a list, got \(describe(node))")
            return nil
        }
        return items
    }

    func duration(_ node: YAMLNode, _ what: String) -> Duration? {
        // A bare integer is seconds, as in most schedulers' configs.
        if case .int(let seconds) = node.value, case .scalar = node.kind {
            if seconds < 0 {
                report(Rule.invalidDuration, node, "\(what) must not be negative")
                return nil
            }
            if Duration.seconds(seconds) > DurationText.maximum {
                report(
                    Rule.invalidDuration, node,
                    "\(what) of \(seconds) seconds is longer than the limit of \(DurationText.format(DurationText.maximum))"
                )
                return nil
            }
            return .seconds(seconds)
        }
        guard let text = string(node, what) else { return nil }
        do {
            return try DurationText.parse(text)
        } catch {
            report(
                Rule.invalidDuration, at: position(of: node, offset: error.offset),
                "invalid duration '\(text)' for \(what): \(error.message)")
            return nil
        }
    }

    /// A bare expression (`when`, `repeat.until`).
    func expression(_ node: YAMLNode, _ what: String) -> Expression? {
        let text: String
        switch node.value {
        case .string(let s): text = s
        case .bool(let b) where node.kind.isScalar: text = b ? "true" : "false"
        default:
            report(Rule.typeMismatch, node, "\(what) must be an expression string, got \(describe(node))")
            return nil
        }
        // `when: "{{ expr }}"` is a common slip: accept a single template as the bare expression.
        if let template = try? Template.parse(text), template.isSingleExpression,
            let inner = template.singleExpression
        {
            return inner
        }
        if text.trimmingWhitespace().isEmpty {
            report(Rule.expressionSyntax, node, "\(what) is empty")
            return nil
        }
        do {
            return try Expression.parse(text)
        } catch {
            report(
                Rule.expressionSyntax, at: position(of: node, offset: error.offset),
                "\(what): \(error.message)")
            return nil
        }
    }

    /// A string parsed as a template.
    func template(_ node: YAMLNode, text: String, _ what: String) -> Template? {
        do {
            return try Template.parse(text)
        } catch {
            report(
                Rule.expressionSyntax, at: position(of: node, offset: error.offset),
                "\(what): \(error.message)")
            return nil
        }
    }

    /// Any YAML value with every string parsed as a template; `sites` collects the templates
    /// with their nodes for the reference checks.
    func templateValue(_ node: YAMLNode, _ what: String, sites: inout [TemplateSite]) -> TemplateValue {
        switch node.kind {
        case .scalar(let text, _):
            if case .string = node.value {
                guard let template = template(node, text: text, what) else { return .literal(.string(text)) }
                if template.containsExpressions { sites.append(TemplateSite(node: node, template: template)) }
                return .template(template)
            }
            return .literal(node.value)
        case .sequence(let items):
            return .array(items.map { templateValue($0, what, sites: &sites) })
        case .mapping(let pairs):
            var out: [String: TemplateValue] = [:]
            for pair in pairs {
                guard case .scalar(let key, _) = pair.key.kind else {
                    report(Rule.typeMismatch, pair.key, "keys in \(what) must be strings")
                    continue
                }
                out[key] = templateValue(pair.value, what, sites: &sites)
            }
            return .object(out)
        }
    }
}

/// A template found in a file, with the node it came from so references can be located.
struct TemplateSite {
    var node: YAMLNode
    var template: Template
}

extension YAMLNode.Kind {
    var isScalar: Bool {
        if case .scalar = self { return true }
        return false
    }
}

extension String {
    func trimmingWhitespace() -> Substring {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return Substring(scalars[first...last])
    }
}
