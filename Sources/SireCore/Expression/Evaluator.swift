/// Walks a parsed tree and computes its value.
///
/// Recursion is bounded by the parser's limit on node height, so hostile expressions cannot
/// exhaust the stack here.
struct Evaluator {
    let context: EvaluationContext

    func evaluate(_ node: ExpressionNode) throws(EvaluationError) -> Value {
        switch node.kind {
        case .literal(let value):
            return value
        case .list(let items):
            var values: [Value] = []
            values.reserveCapacity(items.count)
            for item in items { values.append(try evaluate(item)) }
            return .array(values)
        case .object(let entries):
            var members: [String: Value] = [:]
            for entry in entries { members[entry.key] = try evaluate(entry.value) }
            return .object(members)
        case .identifier(let name):
            return context.variables[name] ?? .null
        case .member(let base, let name, _):
            return try member(name, of: try evaluate(base), at: node.range)
        case .index(let base, let index):
            return try element(
                try evaluate(index), of: try evaluate(base), indexRange: index.range, at: node.range
            )
        case .unary(let unary, let operand):
            return try apply(unary, to: try evaluate(operand), at: node.range)
        case .binary(let binary, let left, let right):
            return try apply(binary, left, right, at: node.range)
        case .conditional(let condition, let then, let otherwise):
            return try evaluate(try evaluate(condition).isTruthy ? then : otherwise)
        case .call(let name, let nameRange, let arguments):
            return try call(name, nameRange: nameRange, arguments: arguments, at: node.range)
        }
    }

    private func member(_ name: String, of base: Value, at range: Range<Int>)
        throws(EvaluationError) -> Value
    {
        switch base {
        case .object(let members): return members[name] ?? .null
        case .null: return .null
        default:
            throw EvaluationError(
                message: "cannot read property '\(name)' of \(base.typeName)", range: range)
        }
    }

    private func element(
        _ index: Value, of base: Value, indexRange: Range<Int>, at range: Range<Int>
    ) throws(EvaluationError) -> Value {
        switch (base, index) {
        case (.null, _):
            return .null
        case (.object(let members), .string(let key)):
            return members[key] ?? .null
        case (.array(let items), _):
            guard let position = Evaluator.integer(index) else {
                throw EvaluationError(
                    message: "array index must be an integer, got \(index.typeName)",
                    range: indexRange)
            }
            // Negative indexes count from the end, as in `items[-1]`.
            let resolved = position < 0 ? items.count + position : position
            return items.indices.contains(resolved) ? items[resolved] : .null
        case (.string(let text), _):
            guard let position = Evaluator.integer(index) else {
                throw EvaluationError(
                    message: "string index must be an integer, got \(index.typeName)",
                    range: indexRange)
            }
            let characters = Array(text)
            let resolved = position < 0 ? characters.count + position : position
            return characters.indices.contains(resolved)
                ? .string(String(characters[resolved])) : .null
        case (.object, _):
            throw EvaluationError(
                message: "object key must be a string, got \(index.typeName)", range: indexRange)
        default:
            throw EvaluationError(message: "cannot index \(base.typeName)", range: range)
        }
    }

    /// An integer, or a double with an exact integer value.
    static func integer(_ value: Value) -> Int? {
        switch value {
        case .int(let number): number
        case .double(let number): exactInteger(number)
        default: nil
        }
    }

    /// `number` as an `Int` when it is whole and in range. Written without `Int(exactly:)`,
    /// whose rounding calls need libm, which executables linking only SireCore lack on Linux.
    static func exactInteger(_ number: Double) -> Int? {
        guard number.isFinite, number >= -0x1p63, number < 0x1p63 else { return nil }
        let truncated = Int(number)
        return Double(truncated) == number ? truncated : nil
    }

    private func apply(_ unary: ExpressionNode.UnaryOperator, to value: Value, at range: Range<Int>)
        throws(EvaluationError) -> Value
    {
        switch (unary, value) {
        case (.not, _): return .bool(!value.isTruthy)
        case (.negate, .int(let number)):
            guard number != .min else {
                throw EvaluationError(message: "integer overflow", range: range)
            }
            return .int(-number)
        case (.negate, .double(let number)): return .double(-number)
        case (.negate, _):
            throw EvaluationError(message: "cannot negate \(value.typeName)", range: range)
        }
    }

    private func apply(
        _ binary: ExpressionNode.BinaryOperator, _ leftNode: ExpressionNode,
        _ rightNode: ExpressionNode, at range: Range<Int>
    ) throws(EvaluationError) -> Value {
        let left = try evaluate(leftNode)
        // `&&` and `||` short-circuit and yield an operand, so `x || 'fallback'` works.
        switch binary {
        case .and: return left.isTruthy ? try evaluate(rightNode) : left
        case .or: return left.isTruthy ? left : try evaluate(rightNode)
        default: break
        }
        let right = try evaluate(rightNode)
        switch binary {
        case .equal: return .bool(left.isEqual(to: right))
        case .notEqual: return .bool(!left.isEqual(to: right))
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard let ordering = left.ordering(comparedTo: right) else {
                throw EvaluationError(
                    message:
                        "cannot compare \(left.typeName) and \(right.typeName) with '\(binary.rawValue)'",
                    range: range)
            }
            return .bool(Evaluator.holds(binary, ordering))
        case .contained:
            return .bool(try Evaluator.contains(right, left, at: range))
        case .add:
            return try add(left, right, at: range)
        case .subtract, .multiply, .divide, .remainder:
            return try Evaluator.arithmetic(binary, left, right, at: range)
        case .and, .or:
            preconditionFailure("short-circuit operators are handled above")
        }
    }

    private static func holds(
        _ comparison: ExpressionNode.BinaryOperator, _ ordering: Value.Ordering
    ) -> Bool {
        switch comparison {
        case .less: ordering == .ascending
        case .lessOrEqual: ordering != .descending
        case .greater: ordering == .descending
        default: ordering != .ascending
        }
    }

    /// Membership as `needle in haystack` and `contains(haystack, needle)` see it.
    static func contains(_ haystack: Value, _ needle: Value, at range: Range<Int>)
        throws(EvaluationError) -> Bool
    {
        switch (haystack, needle) {
        case (.null, _): return false
        case (.array(let items), _): return items.contains { $0.isEqual(to: needle) }
        case (.object(let members), .string(let key)): return members[key] != nil
        case (.string(let text), .string(let part)): return part.isEmpty || text.contains(part)
        default:
            throw EvaluationError(
                message: "cannot look for \(needle.typeName) in \(haystack.typeName)", range: range)
        }
    }

    private func add(_ left: Value, _ right: Value, at range: Range<Int>) throws(EvaluationError)
        -> Value
    {
        switch (left, right) {
        case (.string(let first), .string(let second)):
            try checkSize(first.utf8.count + second.utf8.count, at: range)
            return .string(first + second)
        case (.array(let first), .array(let second)):
            try checkSize(first.count + second.count, at: range)
            return .array(first + second)
        case (.string, _), (_, .string):
            throw EvaluationError(
                message:
                    "cannot add \(left.typeName) and \(right.typeName) (use string(x) to convert)",
                range: range)
        default:
            return try Evaluator.arithmetic(.add, left, right, at: range)
        }
    }

    func checkSize(_ size: Int, at range: Range<Int>) throws(EvaluationError) {
        if size > context.maximumResultSize {
            throw EvaluationError(
                message: "result is larger than \(context.maximumResultSize) (bytes or elements)",
                range: range)
        }
    }

    private static func arithmetic(
        _ binary: ExpressionNode.BinaryOperator, _ left: Value, _ right: Value, at range: Range<Int>
    ) throws(EvaluationError) -> Value {
        if case .int(let first) = left, case .int(let second) = right {
            return try integerArithmetic(binary, first, second, at: range)
        }
        guard let first = left.numericValue, let second = right.numericValue else {
            let verb =
                switch binary {
                case .add: "add"
                case .subtract: "subtract"
                case .multiply: "multiply"
                default: "divide"
                }
            throw EvaluationError(
                message: "cannot \(verb) \(left.typeName) and \(right.typeName)", range: range)
        }
        let result: Double
        switch binary {
        case .add: result = first + second
        case .subtract: result = first - second
        case .multiply: result = first * second
        case .divide, .remainder:
            guard second != 0 else {
                throw EvaluationError(message: "division by zero", range: range)
            }
            result =
                binary == .divide ? first / second : first.truncatingRemainder(dividingBy: second)
        default: preconditionFailure("not an arithmetic operator")
        }
        guard result.isFinite else {
            throw EvaluationError(message: "number overflow", range: range)
        }
        return .double(result)
    }

    /// Integers stay integers; `/` gives an integer when the division is exact and a double
    /// otherwise, so `7 / 2` is `3.5`, not a silently truncated `3`.
    private static func integerArithmetic(
        _ binary: ExpressionNode.BinaryOperator, _ first: Int, _ second: Int, at range: Range<Int>
    ) throws(EvaluationError) -> Value {
        let (result, overflow): (Int, Bool)
        switch binary {
        case .add: (result, overflow) = first.addingReportingOverflow(second)
        case .subtract: (result, overflow) = first.subtractingReportingOverflow(second)
        case .multiply: (result, overflow) = first.multipliedReportingOverflow(by: second)
        case .divide, .remainder:
            guard second != 0 else {
                throw EvaluationError(message: "division by zero", range: range)
            }
            let (remainder, remainderOverflow) = first.remainderReportingOverflow(
                dividingBy: second)
            if binary == .remainder {
                (result, overflow) = (remainder, remainderOverflow)
            } else if remainder != 0 {
                return .double(Double(first) / Double(second))
            } else {
                (result, overflow) = first.dividedReportingOverflow(by: second)
            }
        default: preconditionFailure("not an arithmetic operator")
        }
        guard !overflow else { throw EvaluationError(message: "integer overflow", range: range) }
        return .int(result)
    }
}
