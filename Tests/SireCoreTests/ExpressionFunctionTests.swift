import Testing

@testable import SireCore

@Suite("Expression functions")
struct ExpressionFunctionTests {
    @Test(arguments: [
        ("len('héllo')", Value.int(5)),
        ("len([1, 2])", .int(2)),
        ("len({a: 1})", .int(1)),
        ("len(missing)", .int(0)),
        ("contains('hello', 'ell')", .bool(true)),
        ("contains('hello', '')", .bool(true)),
        ("contains([1, 2], 2.0)", .bool(true)),
        ("contains([1, 2], 3)", .bool(false)),
        ("contains({a: 1}, 'a')", .bool(true)),
        ("contains(missing, 'a')", .bool(false)),
        ("startsWith('refs/heads/main', 'refs/heads/')", .bool(true)),
        ("startsWith('main', 'refs')", .bool(false)),
        ("endsWith('report.csv', '.csv')", .bool(true)),
        ("endsWith('report.csv', '.json')", .bool(false)),
        ("lower('ÄbC')", .string("äbc")),
        ("upper('straße')", .string("STRASSE")),
        ("trim('  \\t padded \\n ')", .string("padded")),
        ("shq('plain')", .string("'plain'")),
        (#"shq("it's; echo $(id)")"#, .string(#"'it'\''s; echo $(id)'"#)),
        ("shq('')", .string("''")),
        ("shq(42)", .string("'42'")),
        ("trim('   ')", .string("")),
        ("split('a,b,,c', ',')", .array([.string("a"), .string("b"), .string(""), .string("c")])),
        ("split('a--b', '--')", .array([.string("a"), .string("b")])),
        ("split('abc', '')", .array([.string("a"), .string("b"), .string("c")])),
        ("split('', ',')", .array([.string("")])),
        ("join(['a', 1, null, {k: true}], ', ')", .string("a, 1, null, {\"k\":true}")),
        ("join(['a', 'b'])", .string("ab")),
        ("join([], '-')", .string("")),
        ("keys({b: 1, a: 2})", .array([.string("a"), .string("b")])),
        ("values({b: 1, a: 2})", .array([.int(2), .int(1)])),
        ("default(missing.key, 1)", .int(1)),
        ("default(0, 1)", .int(0)),
        ("default('', 'x')", .string("")),
        ("toJSON({b: [1, 2.5], a: 'x'})", .string(#"{"a":"x","b":[1,2.5]}"#)),
        ("toJSON([1], true)", .string("[\n  1\n]")),
        ("toJSON('s')", .string("\"s\"")),
        ("fromJSON('{\"a\": [1, 2.0]}')", .object(["a": .array([.int(1), .double(2)])])),
        ("fromJSON(toJSON({x: [null]}))", .object(["x": .array([.null])])),
        ("int('42')", .int(42)),
        ("int(' -7 ')", .int(-7)),
        ("int('3.9')", .int(3)),
        ("int(3.9)", .int(3)),
        ("int(-3.9)", .int(-3)),
        ("int(true)", .int(1)),
        ("int(5)", .int(5)),
        ("float(2)", .double(2)),
        ("float('2.5')", .double(2.5)),
        ("float(false)", .double(0)),
        ("float(1.25)", .double(1.25)),
        ("string(42)", .string("42")),
        ("string('x')", .string("x")),
        ("string([1, 'a'])", .string(#"[1,"a"]"#)),
        ("string(null)", .string("null")),
        ("len(split(inputs.csv, ','))", .int(3)),
    ])
    func computes(text: String, expected: Value) throws {
        #expect(try evaluate(text, ["inputs": .object(["csv": .string("a,b,c")])]) == expected)
    }

    @Test(arguments: [
        ("lenn(x)", "unknown function 'lenn', did you mean 'len'?", "lenn"),
        (
            "startswith(x, 'a')", "unknown function 'startswith', did you mean 'startsWith'?",
            "startswith"
        ),
        ("frobnicate(x)", "unknown function 'frobnicate'", "frobnicate"),
        ("len()", "len() takes 1 argument, got 0", "len()"),
        ("len(1, 2)", "len() takes 1 argument, got 2", "len(1, 2)"),
        ("join()", "join() takes 1 or 2 arguments, got 0", "join()"),
        ("contains('a')", "contains() takes 2 arguments, got 1", "contains('a')"),
        ("len(5)", "len() expects a string, array or object as argument 1, got integer", "5"),
        ("lower(1)", "lower() expects a string as argument 1, got integer", "1"),
        ("upper(missing)", "upper() expects a string as argument 1, got null", "missing"),
        ("startsWith('a', 1)", "startsWith() expects a string as argument 2, got integer", "1"),
        ("split('a', [])", "split() expects a string as argument 2, got array", "[]"),
        ("join('abc', ',')", "join() expects an array as argument 1, got string", "'abc'"),
        ("keys([1])", "keys() expects an object as argument 1, got array", "[1]"),
        ("values('x')", "values() expects an object as argument 1, got string", "'x'"),
        ("toJSON(1, 'yes')", "toJSON() expects a boolean as argument 2, got string", "'yes'"),
        (
            "fromJSON('{bad')",
            "fromJSON(): invalid JSON at byte 1: expected a string key in object", "'{bad'"
        ),
        ("int('abc')", "int(): 'abc' is not a number", "'abc'"),
        ("int(1e300)", "int(): 1e+300 does not fit in an integer", "1e300"),
        ("int(null)", "int() expects a number, string or boolean as argument 1, got null", "null"),
        ("float('x')", "float(): 'x' is not a number", "'x'"),
        ("float([])", "float() expects a number, string or boolean as argument 1, got array", "[]"),
        ("contains(5, 1)", "cannot look for integer in integer", "contains(5, 1)"),
    ])
    func rejectsBadCalls(text: String, message: String, at fragment: String) throws {
        let error = try #require(try evaluationError(text))
        #expect(error.message == message)
        #expect(slice(text, error.offset..<(error.offset + error.length)) == fragment)
    }

    @Test func functionTableListsEveryDocumentedFunction() {
        let documented = [
            "len", "contains", "startsWith", "endsWith", "lower", "upper", "trim", "split", "join",
            "keys", "values", "default", "toJSON", "fromJSON", "int", "float", "string", "shq",
        ]
        #expect(Set(Expression.functions.keys) == Set(documented))
    }

    @Test(
        arguments: [
            ("lenn", "len"), ("Lower", "lower"), ("tojson", "toJSON"), ("spilt", "split"),
            ("keyz", "keys"),
            ("xyzzy", nil), ("", nil),
        ] as [(String, String?)])
    func suggestsTheClosestFunction(name: String, expected: String?) {
        #expect(Expression.suggestion(for: name, among: Expression.functions.keys) == expected)
    }
}
