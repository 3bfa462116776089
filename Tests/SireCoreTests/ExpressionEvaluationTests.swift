import Testing

@testable import SireCore

@Suite("Expression evaluation")
struct ExpressionEvaluationTests {
    @Test(arguments: [
        ("1 + 2 * 3", Value.int(7)),
        ("7 - 10", .int(-3)),
        ("6 / 2", .int(3)),
        ("7 / 2", .double(3.5)),
        ("7 % 3", .int(1)),
        ("-7 % 3", .int(-1)),
        ("7.5 % 2", .double(1.5)),
        ("1 + 2.5", .double(3.5)),
        ("2 * 1.5", .double(3)),
        ("-inputs.limit", .int(-10)),
        ("-2.5", .double(-2.5)),
        ("'a' + 'b'", .string("ab")),
        ("[1] + [2, 3]", .array([.int(1), .int(2), .int(3)])),
        ("1 < 2", .bool(true)),
        ("2 <= 2.0", .bool(true)),
        ("'b' > 'a'", .bool(true)),
        ("3 >= 4", .bool(false)),
        ("1 == 1.0", .bool(true)),
        ("'1' == 1", .bool(false)),
        ("null == null", .bool(true)),
        ("[1, {a: 2}] == [1.0, {a: 2}]", .bool(true)),
        ("1 != 2", .bool(true)),
        ("!0", .bool(true)),
        ("!'x'", .bool(false)),
        ("!missing", .bool(true)),
        ("0 || 'fallback'", .string("fallback")),
        ("'set' || 'fallback'", .string("set")),
        ("'' && 1", .string("")),
        ("1 && 'second'", .string("second")),
        ("true ? 'yes' : 'no'", .string("yes")),
        ("[] ? 'yes' : 'no'", .string("no")),
        ("'a' in ['a', 'b']", .bool(true)),
        ("1.0 in [1, 2]", .bool(true)),
        ("'ell' in 'hello'", .bool(true)),
        ("'k' in {k: null}", .bool(true)),
        ("'z' in {k: 1}", .bool(false)),
        ("1 in missing", .bool(false)),
        ("steps.fetch.output.status == 200", .bool(true)),
        ("steps.fetch.output.body.items", .array([.int(1), .int(2), .int(3)])),
        ("steps.fetch.output.body.items[0]", .int(1)),
        ("steps.fetch.output.body.items[-1]", .int(3)),
        ("steps.fetch.output.body.items[3]", .null),
        ("steps.fetch.output.body.items[1.0]", .int(2)),
        ("steps['fetch']['output'].body['name']", .string("Report")),
        ("steps.fetch-data.output.ok", .bool(true)),
        ("steps.nope.output.x.y.z", .null),
        ("unknown", .null),
        ("inputs.tags[0] + inputs.region", .string("aeu")),
        ("'héllo'[1]", .string("é")),
        ("'abc'[-1]", .string("c")),
        ("'abc'[5]", .null),
        ("item.value * 2", .int(42)),
        ("index + 1", .int(4)),
        ("{a: index, b: [item.value]}", .object(["a": .int(3), "b": .array([.int(21)])])),
        (".fetch.output.status", .int(200)),
        (".workflow.id", .string("nightly")),
        ("(1 + 2) * (3 + 4)", .int(21)),
        ("9223372036854775807 - 1", .int(9_223_372_036_854_775_806)),
    ])
    func evaluates(text: String, expected: Value) throws {
        #expect(try evaluate(text, sampleContext) == expected)
    }

    @Test(arguments: [
        ("1 + {}", "cannot add integer and object", "1 + {}"),
        ("'a' + 1", "cannot add string and integer (use string(x) to convert)", "'a' + 1"),
        ("[1] + 'a'", "cannot add array and string (use string(x) to convert)", "[1] + 'a'"),
        ("null + 1", "cannot add null and integer", "null + 1"),
        ("true * 2", "cannot multiply boolean and integer", "true * 2"),
        ("'x' - 1", "cannot subtract string and integer", "'x' - 1"),
        ("1 / 0", "division by zero", "1 / 0"),
        ("1.5 / 0", "division by zero", "1.5 / 0"),
        ("5 % 0", "division by zero", "5 % 0"),
        ("9223372036854775807 + 1", "integer overflow", "9223372036854775807 + 1"),
        ("-9223372036854775807 - 2", "integer overflow", "-9223372036854775807 - 2"),
        ("9223372036854775807 * 2", "integer overflow", "9223372036854775807 * 2"),
        ("1e308 * 10", "number overflow", "1e308 * 10"),
        ("-'a'", "cannot negate string", "-'a'"),
        ("1 < 'a'", "cannot compare integer and string with '<'", "1 < 'a'"),
        ("missing >= 1", "cannot compare null and integer with '>='", "missing >= 1"),
        ("[1] > [0]", "cannot compare array and array with '>'", "[1] > [0]"),
        ("1 in 5", "cannot look for integer in integer", "1 in 5"),
        ("1 in {a: 1}", "cannot look for integer in object", "1 in {a: 1}"),
        ("inputs.limit.value", "cannot read property 'value' of integer", "inputs.limit.value"),
        ("inputs.tags['x']", "array index must be an integer, got string", "'x'"),
        ("inputs.tags[0.5]", "array index must be an integer, got number", "0.5"),
        ("inputs[0]", "object key must be a string, got integer", "0"),
        ("index[0]", "cannot index integer", "index[0]"),
        ("x + (1 / 0)", "division by zero", "(1 / 0)"),
    ])
    func reportsTypeErrorsAtTheFaultySubExpression(
        text: String, message: String, at fragment: String
    ) throws {
        let error = try #require(try evaluationError(text, sampleContext))
        #expect(error.message == message)
        #expect(slice(text, error.offset..<(error.offset + error.length)) == fragment)
    }

    @Test func shortCircuitSkipsTheFailingSide() throws {
        #expect(try evaluate("false && 1 / 0") == .bool(false))
        #expect(try evaluate("true || 1 / 0") == .bool(true))
        #expect(try evaluate("true ? 1 : 1 / 0") == .int(1))
        #expect(try evaluate("default(5, 1 / 0)") == .int(5))
    }

    @Test func errorOffsetsFollowTheBaseOffset() throws {
        let expression = try Expression.parse("1 / 0", baseOffset: 30)
        do {
            _ = try expression.evaluate(in: EvaluationContext())
            Issue.record("expected division by zero")
        } catch {
            #expect(error.offset == 30)
            #expect(error.length == 5)
        }
    }

    @Test func hugeResultsAreRefused() throws {
        var context = EvaluationContext(variables: [
            "s": .string(String(repeating: "x", count: 1000))
        ])
        context.maximumResultSize = 1500
        let expression = try Expression.parse("s + s")
        #expect(throws: EvaluationError.self) { try expression.evaluate(in: context) }
        let join = try Expression.parse("join([s, s], '')")
        #expect(throws: EvaluationError.self) { try join.evaluate(in: context) }
        context.maximumResultSize = 2000
        #expect(
            try expression.evaluate(in: context) == .string(String(repeating: "x", count: 2000)))
    }

    @Test func contextSubscriptReadsAndWritesRoots() throws {
        var context = EvaluationContext()
        context["item"] = .int(5)
        #expect(context["item"] == .int(5))
        #expect(try Expression.parse("item * 2").evaluate(in: context) == .int(10))
    }
}
