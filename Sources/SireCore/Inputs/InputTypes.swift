/// Type checks and coercions for declared workflow inputs, shared by validation (defaults,
/// schedule inputs) and by every trigger (command line, HTTP).
public enum InputTypes {
    /// Why `value` cannot be an input of `kind`, or nil if it can.
    public static func problem(_ value: Value, kind: InputSpec.Kind) -> String? {
        let ok: Bool
        switch (kind, value) {
        case (.string, .string), (.integer, .int), (.number, .int), (.number, .double),
            (.boolean, .bool), (.object, .object), (.array, .array):
            ok = true
        case (.integer, .double(let d)):
            ok = d.rounded() == d && abs(d) < 9.2e18
        default:
            ok = false
        }
        return ok ? nil : "must be of type \(kind.rawValue), got \(value.typeName) \(value.shortDescription)"
    }

    /// `value` in the canonical representation of `kind` (`2.0` as an integer is `2`).
    public static func coerce(_ value: Value, kind: InputSpec.Kind) -> Value {
        if kind == .integer, case .double(let d) = value, d.rounded() == d, abs(d) < 9.2e18 {
            return .int(Int(d))
        }
        return value
    }

    /// Parses command-line text (`--input limit=10`) as a value of `kind`.
    public static func parse(_ text: String, kind: InputSpec.Kind) -> Value? {
        switch kind {
        case .string:
            return .string(text)
        case .integer:
            return Int(text).map(Value.int)
        case .number:
            if let i = Int(text) { return .int(i) }
            // Swift's Double parser also takes hex (`0x10`) and `nan`/`inf`: plain decimals only.
            guard text.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }) else { return nil }
            return Double(text).flatMap { $0.isFinite ? Value.double($0) : nil }
        case .boolean:
            switch text.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: return nil
            }
        case .object, .array:
            guard let value = try? Value.parseJSON(text) else { return nil }
            return problem(value, kind: kind) == nil ? value : nil
        }
    }
}

/// Validation of a full set of given inputs against a workflow's declarations.
public enum InputValidation {
    /// Why `value` is not acceptable for `spec` (type or enum), or nil.
    public static func problem(_ value: Value, for spec: InputSpec) -> String? {
        if let problem = InputTypes.problem(value, kind: spec.kind) { return problem }
        let coerced = InputTypes.coerce(value, kind: spec.kind)
        if let allowed = spec.allowed, !allowed.contains(coerced) {
            return
                "must be one of \(allowed.map { $0.jsonString() }.joined(separator: ", ")), got \(coerced.jsonString())"
        }
        return nil
    }

    /// The inputs a run sees: given values checked and coerced, defaults filled in. Returns the
    /// problems (one line each, naming the input) when any input is unknown, missing or wrong.
    public static func resolve(_ given: [String: Value], declared: [InputSpec]) -> Result<[String: Value], InputErrors>
    {
        var problems: [String] = []
        var out: [String: Value] = [:]
        for name in given.keys.sorted() where !declared.contains(where: { $0.name == name }) {
            problems.append(
                "unknown input '\(name)'" + Suggestion.hint(for: name, in: declared.map(\.name)))
        }
        for spec in declared {
            if let value = given[spec.name] {
                if let problem = problem(value, for: spec) {
                    problems.append("input '\(spec.name)' \(problem)")
                } else {
                    out[spec.name] = InputTypes.coerce(value, kind: spec.kind)
                }
            } else if let value = spec.defaultValue {
                out[spec.name] = value
            } else if spec.required {
                problems.append("missing required input '\(spec.name)'")
            }
        }
        return problems.isEmpty ? .success(out) : .failure(InputErrors(problems: problems))
    }
}

/// Every problem with a set of inputs, one message each.
public struct InputErrors: Error, Sendable, Hashable, CustomStringConvertible {
    public var problems: [String]

    public init(problems: [String]) {
        self.problems = problems
    }

    public var description: String { problems.joined(separator: "; ") }
}

extension Value {
    /// The value as compact JSON, cut to 40 characters for messages.
    var shortDescription: String {
        let text = jsonString()
        return text.count > 40 ? String(text.prefix(40)) + "…" : text
    }
}
