import SireCore

/// A built-in tool's params, read strictly: an object whose keys are all known, each of the
/// expected type. A `null` value counts as absent, so a template that rendered to `null`
/// falls back to the default.
struct ToolParameters {
    /// The tool's name, e.g. `file.read`, used in every message.
    let tool: String
    private let members: [String: Value]

    /// Checks that `params` is an object holding only `allowed` keys.
    init(_ params: Value, tool: String, allowed: [String]) throws(ToolError) {
        self.tool = tool
        let given: [String: Value]
        switch params {
        case .object(let members): given = members
        case .null: given = [:]
        default: throw ToolError("\(tool): params must be an object, not \(params.typeName)")
        }
        members = given.filter { $0.value != .null }
        // Checked on every key given, null or not: a misspelt key is a mistake either way.
        let unknown = given.keys.filter { !allowed.contains($0) }.sorted()
        if let first = unknown.first {
            let names = unknown.map { "'\($0)'" }.joined(separator: ", ")
            let noun = unknown.count == 1 ? "parameter" : "parameters"
            let hint = unknown.count == 1 ? Suggestion.hint(for: first, in: allowed) : ""
            let expected = allowed.sorted().map { "'\($0)'" }.joined(separator: ", ")
            throw ToolError("\(tool): unknown \(noun) \(names) (expected \(expected))\(hint)")
        }
    }

    /// Whether `key` was given (and not null).
    func has(_ key: String) -> Bool { members[key] != nil }

    /// The raw value of `key`, if given.
    subscript(_ key: String) -> Value? { members[key] }

    /// A failure naming this tool and one parameter.
    func error(_ key: String, _ message: String) -> ToolError {
        ToolError("\(tool): parameter '\(key)' \(message)")
    }

    /// A required parameter was absent.
    func missing(_ key: String) -> ToolError {
        ToolError("\(tool): missing required parameter '\(key)'")
    }

    private func wrongType(_ key: String, _ expected: String, _ value: Value) -> ToolError {
        error(key, "must be \(expected), not \(value.typeName)")
    }

    func string(_ key: String) throws(ToolError) -> String? {
        guard let value = members[key] else { return nil }
        guard case .string(let text) = value else { throw wrongType(key, "a string", value) }
        return text
    }

    func requiredString(_ key: String) throws(ToolError) -> String {
        guard let text = try string(key) else { throw missing(key) }
        return text
    }

    func bool(_ key: String) throws(ToolError) -> Bool? {
        guard let value = members[key] else { return nil }
        guard case .bool(let flag) = value else { throw wrongType(key, "a boolean", value) }
        return flag
    }

    /// An integer; a double with no fraction (as JSON writers sometimes produce) is accepted.
    func int(_ key: String) throws(ToolError) -> Int? {
        guard let value = members[key] else { return nil }
        switch value {
        case .int(let number): return number
        case .double(let number) where number.rounded() == number && abs(number) < 9e15:
            return Int(number)
        default: throw wrongType(key, "an integer", value)
        }
    }

    func object(_ key: String) throws(ToolError) -> [String: Value]? {
        guard let value = members[key] else { return nil }
        guard case .object(let object) = value else { throw wrongType(key, "an object", value) }
        return object
    }

    func array(_ key: String) throws(ToolError) -> [Value]? {
        guard let value = members[key] else { return nil }
        guard case .array(let items) = value else { throw wrongType(key, "an array", value) }
        return items
    }

    /// A list of strings, such as `argv` or `fields`.
    func strings(_ key: String) throws(ToolError) -> [String]? {
        guard let items = try array(key) else { return nil }
        var result: [String] = []
        for (index, item) in items.enumerated() {
            guard case .string(let text) = item else {
                throw error(key, "must hold only strings; item \(index) is \(item.typeName)")
            }
            result.append(text)
        }
        return result
    }

    /// A duration written as workflow text (`200ms`, `1m30s`) or as a number of seconds.
    func duration(_ key: String) throws(ToolError) -> Duration? {
        guard let value = members[key] else { return nil }
        switch value {
        case .string(let text):
            do {
                return try DurationText.parse(text)
            } catch {
                throw self.error(key, "is not a duration: \(error.message)")
            }
        case .int(let seconds) where seconds >= 0:
            return .seconds(seconds)
        case .double(let seconds) where seconds >= 0 && seconds.isFinite && seconds <= 31_536_000:
            return .milliseconds(Int64((seconds * 1000).rounded()))
        case .int, .double:
            throw error(key, "must be a non-negative duration")
        default:
            throw wrongType(key, "a duration such as \"30s\" or a number of seconds", value)
        }
    }
}
