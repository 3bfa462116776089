import Testing

@testable import SireCore

@Suite("Expression parser")
struct ExpressionParserTests {
    @Test(arguments: [
        ("1 + 2 * 3", "(+ 1 (* 2 3))"),
        ("(1 + 2) * 3", "(* (+ 1 2) 3)"),
        ("1 - 2 - 3", "(- (- 1 2) 3)"),
        ("8 / 4 / 2", "(/ (/ 8 4) 2)"),
        ("1 + 2 % 3", "(+ 1 (% 2 3))"),
        ("-a * b", "(* (- a) b)"),
        ("!a && b", "(&& (! a) b)"),
        ("!!a", "(! (! a))"),
        ("a || b && c", "(|| a (&& b c))"),
        ("a && b || c && d", "(|| (&& a b) (&& c d))"),
        ("a == b && c != d", "(&& (== a b) (!= c d))"),
        ("a < b == c >= d", "(== (< a b) (>= c d))"),
        ("1 + 2 < 3 * 4", "(< (+ 1 2) (* 3 4))"),
        ("'x' in tags && ok", "(&& (in \"x\" tags) ok)"),
        ("a + 1 in list", "(in (+ a 1) list)"),
        ("a ? b : c", "(? a b c)"),
        ("a ? b : c ? d : e", "(? a b (? c d e))"),
        ("a || b ? c + 1 : d", "(? (|| a b) (+ c 1) d)"),
        ("a ? b ? c : d : e", "(? a (? b c d) e)"),
        ("a.b[0]['k']", "([] ([] (. a b) 0) \"k\")"),
        ("steps.fetch.output.body.items", "(. (. (. (. steps fetch) output) body) items)"),
        ("steps.fetch-data.output", "(. (. steps fetch-data) output)"),
        ("a - b", "(- a b)"),
        ("a-b", "(- a b)"),
        ("x.in.null", "(. (. x in) null)"),
        ("a.2nd", "(. a 2nd)"),
        ("len(items) > 0", "(> (len items) 0)"),
        ("default(a.b, 'x')", "(default (. a b) \"x\")"),
        ("join(split(s, ','), '-')", "(join (split s \",\") \"-\")"),
        ("f()", "(f)"),
        ("[1, 'two', null, true, false, 2.5]", "[1 \"two\" null true false 2.5]"),
        ("[1, 2,]", "[1 2]"),
        ("[]", "[]"),
        ("{a: 1, 'b c': [x]}", "{a:1 b c:[x]}"),
        ("{}", "{}"),
        (".fetch.output.x", "(. (. (. steps fetch) output) x)"),
        (".workflow.id", "(. workflow id)"),
        (".inputs.region", "(. inputs region)"),
        (".fetch-data.output", "(. (. steps fetch-data) output)"),
        ("a ? .x.output : .y.output", "(? a (. (. steps x) output) (. (. steps y) output))"),
        ("1.5e3 + 2E-2 + 7", "(+ (+ 1500.0 0.02) 7)"),
        ("'it\\'s' + \"a \\\"b\\\"\\n\\u00e9\\u{1F600}\"", "(+ \"it's\" \"a \\\"b\\\"\\né😀\")"),
    ])
    func parsesWithConventionalPrecedence(text: String, expected: String) {
        #expect(parsed(text) == expected)
    }

    @Test func nodeRangesCoverTheirExactText() throws {
        let text = "  steps.fetch.output.items[0] + len( x ) * (a - 1)"
        let root = try Expression.parse(text).root
        #expect(slice(text, root.range) == "steps.fetch.output.items[0] + len( x ) * (a - 1)")
        guard case .binary(.add, let left, let right) = root.kind else {
            Issue.record("expected +, got \(root.kind)")
            return
        }
        #expect(slice(text, left.range) == "steps.fetch.output.items[0]")
        #expect(slice(text, right.range) == "len( x ) * (a - 1)")
        guard case .index(let base, let index) = left.kind,
            case .member(_, "items", let nameRange) = base.kind
        else {
            Issue.record("expected an index on a member, got \(left.kind)")
            return
        }
        #expect(slice(text, base.range) == "steps.fetch.output.items")
        #expect(slice(text, nameRange) == "items")
        #expect(slice(text, index.range) == "0")
        guard case .binary(.multiply, let call, let group) = right.kind,
            case .call("len", let callName, let arguments) = call.kind
        else {
            Issue.record("expected len(...) * (...), got \(right.kind)")
            return
        }
        #expect(slice(text, call.range) == "len( x )")
        #expect(slice(text, callName) == "len")
        #expect(arguments.map { slice(text, $0.range) } == ["x"])
        #expect(slice(text, group.range) == "(a - 1)")
    }

    @Test func rangesCountUnicodeScalarsAndIncludeBaseOffset() throws {
        let text = "'héllo 😀' + é"
        #expect(throws: ExpressionError.self) { try Expression.parse(text) }
        let valid = "'héllo 😀' + x"
        let expression = try Expression.parse(valid, baseOffset: 100)
        guard case .binary(_, let left, let right) = expression.root.kind else {
            Issue.record("expected a binary node")
            return
        }
        #expect(left.range == 100..<109)
        #expect(right.range == 112..<113)
        #expect(expression.baseOffset == 100)
        #expect(expression.source == valid)
    }

    @Test func shorthandRootsPointAtTheirText() throws {
        let text = ".fetch.output"
        let root = try Expression.parse(text).root
        guard case .member(let stepMember, "output", _) = root.kind,
            case .member(let steps, "fetch", let fetchRange) = stepMember.kind
        else {
            Issue.record("unexpected tree \(root.kind)")
            return
        }
        #expect(steps.kind == .identifier("steps"))
        #expect(steps.range == 0..<1)
        #expect(fetchRange == 1..<6)
    }

    @Test(arguments: [
        ("", "empty expression", 0, 0),
        ("   ", "empty expression", 3, 0),
        ("1 +", "unexpected end of expression", 3, 0),
        ("a b", "unexpected 'b' after the expression", 2, 1),
        ("(a + b", "expected ')' to close '(', found end of expression", 6, 0),
        ("a[1", "expected ']' to close '[', found end of expression", 3, 0),
        ("[1 2]", "expected ']' to close '[', found '2'", 3, 1),
        ("a.", "expected a property name after '.', found end of expression", 2, 0),
        ("a.(b)", "expected a property name after '.', found '('", 2, 1),
        ("a = 1", "unexpected '=' (use '==' to compare)", 2, 1),
        ("a & b", "unexpected '&' (use '&&')", 2, 1),
        ("a | b", "unexpected '|' (use '||')", 2, 1),
        ("a # b", "unexpected character '#'", 2, 1),
        ("'abc", "unterminated string literal", 0, 4),
        ("x + \"abc", "unterminated string literal", 4, 4),
        ("'a\\qb'", "invalid escape '\\q'", 2, 2),
        ("'\\u12'", "invalid \\u escape: expected four hex digits", 1, 4),
        ("a ? b", "expected ':' in conditional 'c ? a : b', found end of expression", 5, 0),
        ("{a 1}", "expected ':' after object key, found '1'", 3, 1),
        ("{1: 2}", "expected an object key (a name or a string), found '1'", 1, 1),
        ("{a: 1, a: 2}", "duplicate key 'a' in object literal", 7, 1),
        ("a.b(1)", "only functions can be called, e.g. len(x)", 3, 1),
        ("in", "expected an expression, found 'in'", 0, 2),
        ("*", "expected an expression, found '*'", 0, 1),
        ("12abc", "invalid number", 0, 3),
        ("1e", "invalid number: expected digits in exponent", 0, 2),
        ("99999999999999999999", "integer literal 99999999999999999999 is too large", 0, 20),
        ("1e999", "number literal 1e999 is out of range", 0, 5),
        (". + 1", "expected a step id or context name after '.', found '+'", 2, 1),
    ])
    func reportsErrorsWithExactPositions(text: String, message: String, offset: Int, length: Int)
        throws
    {
        let error = try #require(parseError(text))
        #expect(error.message == message)
        #expect(error.offset == offset)
        #expect(error.length == length)
    }

    @Test func errorOffsetsIncludeTheBaseOffset() throws {
        do {
            _ = try Expression.parse("a + )", baseOffset: 40)
            Issue.record("expected a parse error")
        } catch {
            #expect(error.offset == 44)
            #expect(error.description == "expected an expression, found ')' (column 45)")
        }
    }
}
