import Testing

@testable import SireCore

@Suite("Templates")
struct TemplateTests {
    private func render(_ text: String) throws -> Value {
        try Template.parse(text).render(in: EvaluationContext(variables: sampleContext))
    }

    @Test(arguments: [
        ("{{ steps.fetch.output.body.items }}", Value.array([.int(1), .int(2), .int(3)])),
        ("{{inputs.limit}}", .int(10)),
        ("{{ missing }}", .null),
        ("{{ {a: 1} }}", .object(["a": .int(1)])),
        ("{{{a: 1}}}", .object(["a": .int(1)])),
        ("{{ .fetch.output.status }}", .int(200)),
        ("{{ .workflow.id }}", .string("nightly")),
        ("{{ .fetch-data.output.ok }}", .bool(true)),
    ])
    func singleExpressionKeepsItsType(text: String, expected: Value) throws {
        #expect(try Template.parse(text).isSingleExpression)
        #expect(try render(text) == expected)
    }

    @Test(arguments: [
        ("https://api.example.com/{{ inputs.region }}", "https://api.example.com/eu"),
        ("items: {{ steps.fetch.output.body.items }}", "items: [1,2,3]"),
        ("{{ item }} ", #"{"value":21} "#),
        (
            "limit={{ inputs.limit }}, missing={{ missing }}, ok={{ true }}",
            "limit=10, missing=null, ok=true"
        ),
        ("{{ inputs.region }}{{ index }}", "eu3"),
        ("no templates here", "no templates here"),
        ("", ""),
        ("single { brace } and }} stray", "single { brace } and }} stray"),
        ("{{ '}}' }} and {{ \"{{\" }}", "}} and {{"),
        ("{{ {a: {b: 1}} }}!", #"{"a":{"b":1}}!"#),
        (
            "run {{ .workflow.name }} for {{ .fetch.output.body.name }}",
            "run Nightly report for Report"
        ),
        ("é{{ 'ü' }}😀", "éü😀"),
    ])
    func textAroundExpressionsIsStringified(text: String, expected: String) throws {
        #expect(try render(text) == .string(expected))
    }

    @Test func reportsItsShape() throws {
        let plain = try Template.parse("hello")
        #expect(!plain.containsExpressions)
        #expect(!plain.isSingleExpression)
        let mixed = try Template.parse("a {{ x }} b {{ y }}")
        #expect(mixed.containsExpressions)
        #expect(!mixed.isSingleExpression)
        #expect(mixed.expressions.map(\.source) == [" x ", " y "])
        #expect(mixed.parts.count == 4)
        let single = try Template.parse("{{ x }}")
        #expect(single.isSingleExpression)
        #expect(!(try Template.parse(" {{ x }}")).isSingleExpression)
    }

    @Test func expressionOffsetsAreOffsetsInTheWholeString() throws {
        let text = "héllo {{ steps.fetch.output }} and {{ 1 + x }}"
        let template = try Template.parse(text)
        let expressions = template.expressions
        #expect(expressions.count == 2)
        #expect(slice(text, expressions[0].root.range) == "steps.fetch.output")
        #expect(slice(text, expressions[1].root.range) == "1 + x")
        #expect(expressions[1].baseOffset == 37)
        guard case .expression(_, let range) = template.parts[1],
            case .text(let literal, let textRange) = template.parts[2]
        else {
            Issue.record("unexpected parts \(template.parts)")
            return
        }
        #expect(slice(text, range) == "{{ steps.fetch.output }}")
        #expect(literal == " and ")
        #expect(slice(text, textRange) == " and ")
    }

    @Test func baseOffsetShiftsEveryPosition() throws {
        let template = try Template.parse("x{{ a }}", baseOffset: 10)
        #expect(template.expressions[0].root.range == 14..<15)
    }

    @Test(arguments: [
        ("abc {{ x", "unterminated '{{': missing '}}'", "{{"),
        ("{{", "unterminated '{{': missing '}}'", "{{"),
        ("ok {{ a }} then {{ b + ", "unterminated '{{': missing '}}'", "{{"),
        ("{{ }}", "empty expression in '{{ }}'", "{{ }}"),
        ("a {{}} b", "empty expression in '{{ }}'", "{{}}"),
        ("{{ 'abc }}", "unterminated string literal", "'abc }}"),
        ("x {{ a + }} y", "unexpected end of expression", "}}"),
        ("{{ a b }}", "unexpected 'b' after the expression", "b"),
        ("{{ a } }}", "unexpected '}' after the expression", "}"),
    ])
    func reportsErrorsWithOffsetsInTheWholeString(
        text: String, message: String, at fragment: String
    ) throws {
        do {
            _ = try Template.parse(text)
            Issue.record("expected an error for \(text)")
        } catch {
            #expect(error.message == message)
            #expect(slice(text, error.offset..<(error.offset + error.length)) == fragment)
        }
    }

    @Test func renderErrorsPointIntoTheWholeString() throws {
        let text = "total: {{ inputs.limit + 'x' }}"
        let template = try Template.parse(text)
        do {
            _ = try template.render(in: EvaluationContext(variables: sampleContext))
            Issue.record("expected a type error")
        } catch {
            #expect(
                slice(text, error.offset..<(error.offset + error.length)) == "inputs.limit + 'x'")
        }
    }

    @Test func renderedSizeIsCapped() throws {
        let template = try Template.parse("{{ s }}{{ s }}")
        let context = EvaluationContext(
            variables: ["s": .string(String(repeating: "y", count: 600))], maximumResultSize: 1000)
        #expect(throws: EvaluationError.self) { try template.render(in: context) }
    }
}
