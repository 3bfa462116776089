import SireCore

/// A tool call's arguments, read with precise errors: an unknown name (with a suggestion), a
/// missing required one, or a value of the wrong type, each naming the argument.
struct ToolArguments {
    let values: [String: Value]

    init(values: [String: Value], allowed: [String]) throws(ToolFailure) {
        self.values = values
        for name in values.keys.sorted() where !allowed.contains(name) {
            throw ToolFailure(
                "unknown argument '\(name)'\(Suggestion.hint(for: name, in: allowed)) "
                    + (allowed.isEmpty
                        ? "(it takes none)" : "(it takes \(allowed.sorted().joined(separator: ", ")))"))
        }
    }

    /// A non-empty string, or nil when absent (or null).
    func string(_ name: String) throws(ToolFailure) -> String? {
        switch values[name] {
        case nil, .null?: return nil
        case .string(let text)?:
            guard !text.isEmpty else { throw ToolFailure("'\(name)' must not be empty") }
            return text
        case let other?: throw mistyped(name, "a string", other)
        }
    }

    func requiredString(_ name: String) throws(ToolFailure) -> String {
        guard let text = try string(name) else { throw ToolFailure("the argument '\(name)' is required") }
        return text
    }

    func object(_ name: String) throws(ToolFailure) -> [String: Value]? {
        switch values[name] {
        case nil, .null?: return nil
        case .object(let fields)?: return fields
        case let other?: throw mistyped(name, "an object", other)
        }
    }

    /// A whole number of at least `minimum`.
    func integer(_ name: String, minimum: Int = 0) throws(ToolFailure) -> Int? {
        let number: Int
        switch values[name] {
        case nil, .null?: return nil
        case .int(let i)?: number = i
        case .double(let d)? where d.rounded() == d && abs(d) < 1e15: number = Int(d)
        case let other?: throw mistyped(name, "an integer", other)
        }
        guard number >= minimum else { throw ToolFailure("'\(name)' must be at least \(minimum)") }
        return number
    }

    /// Seconds from 0 to `maximum`, as a duration (nil when absent or zero).
    func seconds(_ name: String, maximum: Double = 3600) throws(ToolFailure) -> Duration? {
        let seconds: Double
        switch values[name] {
        case nil, .null?: return nil
        case .int(let i)?: seconds = Double(i)
        case .double(let d)?: seconds = d
        case let other?: throw mistyped(name, "a number of seconds", other)
        }
        guard seconds.isFinite, seconds >= 0, seconds <= maximum else {
            throw ToolFailure("'\(name)' must be from 0 to \(Int(maximum)) seconds")
        }
        return seconds == 0 ? nil : .milliseconds(Int64(seconds * 1000))
    }

    private func mistyped(_ name: String, _ expected: String, _ value: Value) -> ToolFailure {
        ToolFailure("'\(name)' must be \(expected), got \(value.jsonString())")
    }
}
