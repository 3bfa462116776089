/// A params tree as written in YAML, with every string parsed as a template.
public indirect enum TemplateValue: Sendable, Hashable {
    /// A non-string scalar (number, bool, null): used as is.
    case literal(Value)
    /// A string, which may hold `{{ expr }}` parts.
    case template(Template)
    case array([TemplateValue])
    case object([String: TemplateValue])
}

extension TemplateValue {
    /// Renders every template against `context`; single-expression strings keep their type.
    public func render(in context: EvaluationContext) throws(EvaluationError) -> Value {
        switch self {
        case .literal(let value):
            return value
        case .template(let template):
            return try template.render(in: context)
        case .array(let items):
            var out: [Value] = []
            out.reserveCapacity(items.count)
            for item in items { out.append(try item.render(in: context)) }
            return .array(out)
        case .object(let fields):
            var out: [String: Value] = [:]
            out.reserveCapacity(fields.count)
            for (key, field) in fields { out[key] = try field.render(in: context) }
            return .object(out)
        }
    }

    /// Every template in the tree, depth first.
    public var templates: [Template] {
        switch self {
        case .literal: []
        case .template(let template): [template]
        case .array(let items): items.flatMap(\.templates)
        case .object(let fields): fields.keys.sorted().flatMap { fields[$0]!.templates }
        }
    }
}
