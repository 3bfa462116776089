import Testing

@testable import SireCore

@Suite("Expression hostile input")
struct ExpressionHostileInputTests {
    private let tooDeep = "expression nesting exceeds 64 levels"

    @Test(arguments: ["(", "[", "-", "!", "f(", "{a:", "a ? b : "])
    func tenThousandLevelsFailFast(opener: String) throws {
        // As deep as the length limit lets each opener go: 10,000 levels, or 7,500 for the ternary.
        let text = String(repeating: opener, count: min(10_000, 60_000 / opener.count)) + "1"
        let error = try #require(parseError(text))
        #expect(error.message == tooDeep)
    }

    @Test func longOperatorChainsCountAsNesting() throws {
        let chain = Array(repeating: "a", count: 10_000).joined(separator: " + ")
        #expect(try #require(parseError(chain)).message == tooDeep)
        let path = "a" + String(repeating: ".b", count: 10_000)
        #expect(try #require(parseError(path)).message == tooDeep)
        let fine = Array(repeating: "1", count: 60).joined(separator: " + ")
        #expect(try evaluate(fine) == .int(60))
    }

    @Test func nestingUpToTheLimitIsAccepted() throws {
        let within = String(repeating: "(", count: 63) + "1" + String(repeating: ")", count: 63)
        #expect(try evaluate(within) == .int(1))
        let beyond = String(repeating: "(", count: 64) + "1" + String(repeating: ")", count: 64)
        let error = try #require(parseError(beyond))
        #expect(error.message == tooDeep)
        #expect(error.offset == 64)
    }

    @Test func deepTemplatesFailWithWholeStringOffsets() throws {
        let text = "x {{ " + String(repeating: "[", count: 10_000) + " }}"
        do {
            _ = try Template.parse(text)
            Issue.record("expected refusal")
        } catch {
            #expect(error.message == tooDeep)
            #expect(error.offset == 5 + 64)
        }
    }

    @Test func hugeInputIsRefusedByLength() throws {
        let huge = "'" + String(repeating: "x", count: 200_000) + "'"
        let error = try #require(parseError(huge))
        #expect(error.message == "expression is longer than 65536 characters")
        let hugeTemplate = String(repeating: "a", count: 2_000_000)
        #expect(throws: ExpressionError.self) { try Template.parse(hugeTemplate) }
        let hugePart = "{{ '" + String(repeating: "x", count: 70_000) + "' }}"
        #expect(throws: ExpressionError.self) { try Template.parse(hugePart) }
    }

    @Test func bigButAllowedInputsWork() throws {
        let text = String(repeating: "lit {{ x }} ", count: 20_000)
        let template = try Template.parse(text)
        #expect(template.expressions.count == 20_000)
        let list = "[" + Array(repeating: "1", count: 10_000).joined(separator: ",") + "]"
        #expect(try evaluate("len(\(list))") == .int(10_000))
    }

    @Test(arguments: [
        "'unterminated", "\"also", "'\\", "{{ 'x", "'\\u{110000}'", "'\\u{}'", "\u{0}",
        "a.\u{1F600}",
        "{{ {{ }} }}", "}}", "'\\uD800'",
    ])
    func malformedInputIsAnErrorNotACrash(text: String) {
        #expect(throws: ExpressionError.self) { try Expression.parse(text) }
    }

    @Test func fromJSONOfDeepDataIsRefused() throws {
        let deep = String(repeating: "[", count: 50_000)
        let error = try #require(try evaluationError("fromJSON(s)", ["s": .string(deep)]))
        #expect(error.message.contains("nesting deeper than 512 levels"))
    }
}
