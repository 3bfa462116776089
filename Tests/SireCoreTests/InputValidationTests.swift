import Testing

@testable import SireCore

/// Inputs given to a run (command line, HTTP, schedules) checked against the declarations.
@Suite("Input validation")
struct InputValidationTests {
    static let declared = [
        InputSpec(name: "region", kind: .string, defaultValue: .string("eu"), allowed: [.string("eu"), .string("us")]),
        InputSpec(name: "limit", kind: .integer, required: true),
        InputSpec(name: "ratio", kind: .number),
        InputSpec(name: "dry", kind: .boolean, defaultValue: .bool(false)),
    ]

    static func resolve(_ given: [String: Value]) -> Result<[String: Value], InputErrors> {
        InputValidation.resolve(given, declared: declared)
    }

    @Test func defaultsAreFilledAndAbsentOptionalsStayAbsent() throws {
        let inputs = try Self.resolve(["limit": .int(10)]).get()
        #expect(inputs == ["limit": .int(10), "region": .string("eu"), "dry": .bool(false)])
        #expect(inputs["ratio"] == nil)
    }

    @Test func givenValuesOverrideDefaults() throws {
        let inputs = try Self.resolve(["limit": .int(1), "region": .string("us"), "dry": .bool(true), "ratio": .int(2)])
            .get()
        #expect(inputs == ["limit": .int(1), "region": .string("us"), "dry": .bool(true), "ratio": .int(2)])
    }

    @Test func wholeDoubleIsCoercedToInteger() throws {
        let inputs = try Self.resolve(["limit": .double(2.0)]).get()
        #expect(inputs["limit"] == .int(2))
        // A number input keeps what it was given.
        #expect(try Self.resolve(["limit": .int(1), "ratio": .double(2.0)]).get()["ratio"] == .double(2.0))
    }

    @Test func fractionalDoubleIsNotAnInteger() {
        #expect(Self.problems(["limit": .double(2.5)]) == ["input 'limit' must be of type integer, got number 2.5"])
    }

    @Test func missingRequiredInput() {
        #expect(Self.problems([:]) == ["missing required input 'limit'"])
    }

    @Test func requiredInputWithDefaultIsNotMissing() throws {
        let declared = [InputSpec(name: "limit", kind: .integer, required: true, defaultValue: .int(5))]
        #expect(try InputValidation.resolve([:], declared: declared).get() == ["limit": .int(5)])
    }

    @Test func unknownInputWithSuggestion() {
        #expect(
            Self.problems(["limit": .int(1), "regoin": .string("eu")]) == [
                "unknown input 'regoin'; did you mean 'region'?"
            ])
    }

    @Test func enumIsEnforced() {
        let problems = Self.problems(["limit": .int(1), "region": .string("asia")])
        #expect(problems == [#"input 'region' must be one of "eu", "us", got "asia""#])
    }

    @Test func integerEnumAcceptsCoercedDouble() throws {
        let declared = [InputSpec(name: "n", kind: .integer, allowed: [.int(1), .int(2)])]
        #expect(try InputValidation.resolve(["n": .double(2.0)], declared: declared).get() == ["n": .int(2)])
        #expect(InputValidation.problem(.int(3), for: declared[0]) != nil)
    }

    @Test func everyProblemIsReportedAtOnce() throws {
        let error = try #require(Self.resolveError(["bogus": .int(1), "region": .int(3), "dry": .string("yes")]))
        #expect(
            error.problems == [
                "unknown input 'bogus'",
                "input 'region' must be of type string, got integer 3",
                "missing required input 'limit'",
                #"input 'dry' must be of type boolean, got string "yes""#,
            ])
        #expect(error.description == error.problems.joined(separator: "; "))
    }

    @Test(arguments: [
        (InputSpec.Kind.string, Value.string("x"), true),
        (.string, .int(1), false),
        (.integer, .int(-4), true),
        (.integer, .double(1e20), false),
        (.integer, .bool(true), false),
        (.number, .int(3), true),
        (.number, .double(0.5), true),
        (.number, .string("1"), false),
        (.boolean, .bool(false), true),
        (.boolean, .string("true"), false),
        (.object, .object([:]), true),
        (.object, .array([]), false),
        (.array, .array([.null]), true),
        (.array, .null, false),
        (.string, .null, false),
    ])
    func typeChecks(kind: InputSpec.Kind, value: Value, ok: Bool) {
        #expect((InputTypes.problem(value, kind: kind) == nil) == ok)
    }

    @Test func longValuesAreCutInMessages() throws {
        let problem = try #require(InputTypes.problem(.string(String(repeating: "x", count: 100)), kind: .integer))
        #expect(problem.hasSuffix("…"))
        #expect(problem.count < 100)
    }

    // MARK: command-line text

    @Test(arguments: [
        ("hello world", InputSpec.Kind.string, Value.string("hello world")),
        ("", .string, .string("")),
        ("10", .integer, .int(10)),
        ("-3", .integer, .int(-3)),
        ("10", .number, .int(10)),
        ("1.5", .number, .double(1.5)),
        ("true", .boolean, .bool(true)),
        ("FALSE", .boolean, .bool(false)),
        (#"{"a": [1, 2]}"#, .object, .object(["a": .array([.int(1), .int(2)])])),
        ("[1, \"x\"]", .array, .array([.int(1), .string("x")])),
    ])
    func parsesCommandLineText(text: String, kind: InputSpec.Kind, expected: Value) {
        #expect(InputTypes.parse(text, kind: kind) == expected)
    }

    @Test(arguments: [
        ("1.5", InputSpec.Kind.integer),
        ("ten", .integer),
        (" 10", .integer),
        ("99999999999999999999", .integer),
        ("inf", .number),
        ("nan", .number),
        ("abc", .number),
        ("yes", .boolean),
        ("1", .boolean),
        ("[1]", .object),
        ("{}", .array),
        ("{not json", .object),
    ])
    func refusesCommandLineText(text: String, kind: InputSpec.Kind) {
        #expect(InputTypes.parse(text, kind: kind) == nil)
    }

    static func problems(_ given: [String: Value]) -> [String] {
        resolveError(given)?.problems ?? []
    }

    static func resolveError(_ given: [String: Value]) -> InputErrors? {
        if case .failure(let error) = resolve(given) { return error }
        return nil
    }
}
