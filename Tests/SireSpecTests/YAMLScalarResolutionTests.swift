import SireCore
import Testing

@testable import SireSpec

@Suite("YAML 1.2 core schema resolution")
struct YAMLScalarResolutionTests {
    static let plainScalars: [(String, Value)] = [
        ("null", .null), ("Null", .null), ("NULL", .null), ("~", .null), ("", .null),
        ("true", .bool(true)), ("True", .bool(true)), ("TRUE", .bool(true)),
        ("false", .bool(false)), ("False", .bool(false)), ("FALSE", .bool(false)),
        // YAML 1.1 booleans and other 1.1-only forms stay strings under 1.2.
        ("on", .string("on")), ("off", .string("off")), ("yes", .string("yes")),
        ("no", .string("no")), ("y", .string("y")), ("n", .string("n")), ("Yes", .string("Yes")),
        ("nULL", .string("nULL")), ("tRUE", .string("tRUE")),
        ("0b101", .string("0b101")), ("1_000", .string("1_000")), ("1:30", .string("1:30")),
        ("2001-12-14", .string("2001-12-14")),
        ("123", .int(123)), ("-17", .int(-17)), ("+5", .int(5)), ("012", .int(12)), ("0", .int(0)),
        ("0o17", .int(15)), ("0x1F", .int(31)), ("0xff", .int(255)),
        ("0x", .string("0x")), ("0o8", .string("0o8")),
        ("1.5", .double(1.5)), ("-0.25", .double(-0.25)), ("1e3", .double(1000)),
        ("1.", .double(1)),
        (".5", .double(0.5)), ("+1.5E-2", .double(0.015)),
        ("9223372036854775808", .double(9_223_372_036_854_775_808)),
        (".inf", .double(.infinity)), ("-.Inf", .double(-.infinity)), ("+.INF", .double(.infinity)),
        ("1e", .string("1e")), (".", .string(".")), ("1.2.3", .string("1.2.3")),
        ("inf", .string("inf")),
        ("0x1p3", .string("0x1p3")), ("nan", .string("nan")),
        ("hello world", .string("hello world")), ("30s", .string("30s")),
    ]

    @Test(arguments: plainScalars)
    func plainScalarsResolveWithTheCoreSchema(text: String, expected: Value) throws {
        let root = try composeRoot("v: \(text)\n")
        #expect(root["v"]?.value == expected)
    }

    @Test(arguments: [".nan", ".NaN", ".NAN"])
    func notANumber(text: String) throws {
        let root = try composeRoot("v: \(text)\n")
        guard case .double(let number) = root["v"]?.value else {
            Issue.record("expected a double")
            return
        }
        #expect(number.isNaN)
    }

    @Test(arguments: [
        "v: \"123\"\n", "v: '123'\n", "v: \"true\"\n", "v: 'null'\n", "v: |\n  123\n",
        "v: >-\n  on\n",
    ])
    func quotedAndBlockScalarsStayStrings(text: String) throws {
        let root = try composeRoot(text)
        guard case .string = root["v"]?.value else {
            Issue.record("\(text) did not stay a string: \(String(describing: root["v"]?.value))")
            return
        }
    }

    @Test func onAsAKeyStaysTheStringOn() throws {
        let root = try composeRoot("on:\n  push: {}\nyes: 1\n")
        #expect(root.value == .object(["on": .object(["push": .object([:])]), "yes": .int(1)]))
        #expect(root["on"] != nil)
    }

    static let taggedScalars: [(String, Value)] = [
        ("!!str 123", .string("123")), ("!!str true", .string("true")), ("!!str", .string("")),
        ("!!int \"42\"", .int(42)), ("!!int 0x10", .int(16)),
        ("!!float 1", .double(1)), ("!!float '2.5'", .double(2.5)),
        ("!!bool \"true\"", .bool(true)), ("!!null ''", .null),
        ("! 12", .string("12")), ("!custom 12", .int(12)), ("!custom '12'", .string("12")),
    ]

    @Test(arguments: taggedScalars)
    func explicitTagsAreHonoured(text: String, expected: Value) throws {
        let root = try composeRoot("v: \(text)\n")
        #expect(root["v"]?.value == expected)
    }

    @Test(arguments: ["!!int abc", "!!bool yes", "!!float x1", "!!null 0"])
    func aScalarThatDoesNotFitItsTagIsReported(text: String) throws {
        let result = YAMLComposer.compose("v: \(text)\n")
        #expect(result.problems.map(\.rule) == [.invalidTag])
        #expect(result.problems.first?.position == pos(1, 4))
        #expect(result.root?["v"]?.value == .string(String(text.split(separator: " ")[1])))
    }

    @Test func aCollectionWithAScalarTagIsReported() {
        let result = YAMLComposer.compose("v: !!str [1]\n")
        #expect(result.problems.map(\.rule) == [.invalidTag])
    }
}
