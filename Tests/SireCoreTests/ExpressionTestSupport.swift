@testable import SireCore

/// Renders a tree as a compact S-expression, so precedence tables read at a glance.
func sExpression(_ node: ExpressionNode) -> String {
    switch node.kind {
    case .literal(let value): return value.jsonString()
    case .list(let items): return "[" + items.map(sExpression).joined(separator: " ") + "]"
    case .object(let entries):
        return "{" + entries.map { "\($0.key):\(sExpression($0.value))" }.joined(separator: " ")
            + "}"
    case .identifier(let name): return name
    case .member(let base, let name, _): return "(. \(sExpression(base)) \(name))"
    case .index(let base, let index): return "([] \(sExpression(base)) \(sExpression(index)))"
    case .unary(let unary, let operand): return "(\(unary.rawValue) \(sExpression(operand)))"
    case .binary(let binary, let left, let right):
        return "(\(binary.rawValue) \(sExpression(left)) \(sExpression(right)))"
    case .conditional(let condition, let then, let otherwise):
        return "(? \(sExpression(condition)) \(sExpression(then)) \(sExpression(otherwise)))"
    case .call(let name, _, let arguments):
        return "(\(name)" + arguments.map { " " + sExpression($0) }.joined() + ")"
    }
}

/// Parses and renders `text` as an S-expression, or returns the error description.
func parsed(_ text: String) -> String {
    do {
        return sExpression(try Expression.parse(text).root)
    } catch {
        return "error: \(error.message)"
    }
}

/// The text a range covers, for asserting positions readably.
func slice(_ text: String, _ range: Range<Int>, baseOffset: Int = 0) -> String {
    let scalars = Array(text.unicodeScalars)
    return String(
        String.UnicodeScalarView(
            scalars[(range.lowerBound - baseOffset)..<(range.upperBound - baseOffset)]))
}

/// Evaluates `text` in `variables`.
func evaluate(_ text: String, _ variables: [String: Value] = [:]) throws -> Value {
    try Expression.parse(text).evaluate(in: EvaluationContext(variables: variables))
}

/// The parse error for `text`, if any.
func parseError(_ text: String) -> ExpressionError? {
    do {
        _ = try Expression.parse(text)
        return nil
    } catch {
        return error
    }
}

/// The evaluation error for `text`, if any (parse errors fail the caller's expectation).
func evaluationError(_ text: String, _ variables: [String: Value] = [:]) throws -> EvaluationError? {
    let expression = try Expression.parse(text)
    do {
        _ = try expression.evaluate(in: EvaluationContext(variables: variables))
        return nil
    } catch {
        return error
    }
}

/// A sample context shaped like a running workflow's.
let sampleContext: [String: Value] = [
    "inputs": .object([
        "region": .string("eu"), "limit": .int(10), "tags": .array([.string("a"), .string("b")]),
    ]),
    "steps": .object([
        "fetch": .object([
            "output": .object([
                "status": .int(200),
                "body": .object([
                    "items": .array([.int(1), .int(2), .int(3)]), "name": .string("Report"),
                ]),
            ]),
            "status": .string("succeeded"),
        ]),
        "fetch-data": .object(["output": .object(["ok": .bool(true)])]),
    ]),
    "workflow": .object(["id": .string("nightly"), "name": .string("Nightly report")]),
    "item": .object(["value": .int(21)]),
    "index": .int(3),
]
