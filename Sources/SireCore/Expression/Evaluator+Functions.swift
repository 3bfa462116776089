extension Evaluator {
    /// Calls a built-in function; argument errors point at the argument at fault.
    func call(
        _ name: String, nameRange: Range<Int>, arguments nodes: [ExpressionNode],
        at range: Range<Int>
    ) throws(EvaluationError) -> Value {
        guard let arity = Expression.functions[name] else {
            var message = "unknown function '\(name)'"
            if let guess = Expression.suggestion(for: name, among: Expression.functions.keys) {
                message += ", did you mean '\(guess)'?"
            }
            throw EvaluationError(message: message, range: nameRange)
        }
        guard arity.contains(nodes.count) else {
            let expected =
                arity.count == 1
                ? "\(arity.lowerBound)" : "\(arity.lowerBound) or \(arity.upperBound)"
            let noun = arity == 1...1 ? "argument" : "arguments"
            throw EvaluationError(
                message: "\(name)() takes \(expected) \(noun), got \(nodes.count)", range: range)
        }
        // `default` evaluates its fallback only when needed, so the fallback may be an
        // expression that would fail on the present value's path.
        if name == "default" {
            let value = try evaluate(nodes[0])
            return value == .null ? try evaluate(nodes[1]) : value
        }
        var values: [Value] = []
        for node in nodes { values.append(try evaluate(node)) }
        let call = FunctionCall(name: name, values: values, nodes: nodes, range: range)
        return try apply(call)
    }

    private func apply(_ call: FunctionCall) throws(EvaluationError) -> Value {
        let first = call.values[0]
        switch call.name {
        case "len":
            switch first {
            case .null: return .int(0)
            case .string(let text): return .int(text.count)
            case .array(let items): return .int(items.count)
            case .object(let members): return .int(members.count)
            default: throw call.mismatch(0, "a string, array or object")
            }
        case "contains":
            return .bool(try Evaluator.contains(first, call.values[1], at: call.range))
        case "startsWith":
            return .bool(try call.string(0).hasPrefix(try call.string(1)))
        case "endsWith":
            return .bool(try call.string(0).hasSuffix(try call.string(1)))
        case "lower":
            return .string(try call.string(0).lowercased())
        case "upper":
            return .string(try call.string(0).uppercased())
        case "shq":
            // One POSIX sh word, whatever the value holds: 'it'\''s' for it's.
            let text = first.stringified
            return .string("'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'")
        case "trim":
            return .string(Evaluator.trimmed(try call.string(0)))
        case "split":
            let text = try call.string(0)
            let separator = try call.string(1)
            let parts =
                separator.isEmpty
                ? text.map { String($0) }
                : text.split(separator: separator, omittingEmptySubsequences: false).map {
                    String($0)
                }
            return .array(parts.map(Value.string))
        case "join":
            guard case .array(let items) = first else { throw call.mismatch(0, "an array") }
            let separator = call.values.count > 1 ? try call.string(1) : ""
            var size = max(0, items.count - 1) * separator.utf8.count
            var pieces: [String] = []
            for item in items {
                let piece = item.stringified
                size += piece.utf8.count
                try checkSize(size, at: call.range)
                pieces.append(piece)
            }
            return .string(pieces.joined(separator: separator))
        case "keys":
            guard case .object(let members) = first else { throw call.mismatch(0, "an object") }
            return .array(members.keys.sorted().map(Value.string))
        case "values":
            guard case .object(let members) = first else { throw call.mismatch(0, "an object") }
            return .array(members.keys.sorted().map { members[$0]! })
        case "toJSON":
            var pretty = false
            if call.values.count > 1 {
                guard case .bool(let flag) = call.values[1] else {
                    throw call.mismatch(1, "a boolean")
                }
                pretty = flag
            }
            let text = first.jsonString(pretty: pretty)
            try checkSize(text.utf8.count, at: call.range)
            return .string(text)
        case "fromJSON":
            let text = try call.string(0)
            do throws(Value.JSONParseError) {
                return try Value.parseJSON(text)
            } catch {
                throw EvaluationError(message: "fromJSON(): \(error)", range: call.nodes[0].range)
            }
        case "int":
            return try Evaluator.toInt(call)
        case "float":
            return try Evaluator.toFloat(call)
        case "string":
            return .string(first.stringified)
        default:
            preconditionFailure("function table and implementations disagree on \(call.name)")
        }
    }

    private static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[start...end])
    }

    private static func toInt(_ call: FunctionCall) throws(EvaluationError) -> Value {
        switch call.values[0] {
        case .int: return call.values[0]
        case .bool(let flag): return .int(flag ? 1 : 0)
        case .double(let number):
            return .int(try integer(truncating: number, call))
        case .string(let text):
            let trimmed = trimmed(text)
            if let number = Int(trimmed) { return .int(number) }
            guard let number = Double(trimmed) else {
                throw EvaluationError(
                    message: "int(): '\(text)' is not a number", range: call.nodes[0].range)
            }
            return .int(try integer(truncating: number, call))
        default: throw call.mismatch(0, "a number, string or boolean")
        }
    }

    private static func integer(truncating number: Double, _ call: FunctionCall)
        throws(EvaluationError) -> Int
    {
        // `Int(_:)` truncates toward zero but traps out of range; 2^63 is exact as a double.
        guard number.isFinite, number >= -0x1p63, number < 0x1p63 else {
            throw EvaluationError(
                message: "int(): \(number) does not fit in an integer", range: call.nodes[0].range)
        }
        return Int(number)
    }

    private static func toFloat(_ call: FunctionCall) throws(EvaluationError) -> Value {
        switch call.values[0] {
        case .int(let number): return .double(Double(number))
        case .double: return call.values[0]
        case .bool(let flag): return .double(flag ? 1 : 0)
        case .string(let text):
            guard let number = Double(trimmed(text)), number.isFinite else {
                throw EvaluationError(
                    message: "float(): '\(text)' is not a number", range: call.nodes[0].range)
            }
            return .double(number)
        default: throw call.mismatch(0, "a number, string or boolean")
        }
    }
}

/// The evaluated arguments of one call, with their nodes for error positions.
private struct FunctionCall {
    let name: String
    let values: [Value]
    let nodes: [ExpressionNode]
    let range: Range<Int>

    func mismatch(_ position: Int, _ expected: String) -> EvaluationError {
        EvaluationError(
            message:
                "\(name)() expects \(expected) as argument \(position + 1), got \(values[position].typeName)",
            range: nodes[position].range)
    }

    func string(_ position: Int) throws(EvaluationError) -> String {
        guard case .string(let text) = values[position] else {
            throw mismatch(position, "a string")
        }
        return text
    }
}
