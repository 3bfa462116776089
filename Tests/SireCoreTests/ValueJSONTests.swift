import Testing

@testable import SireCore

@Suite("Value JSON")
struct ValueJSONTests {
    @Test(arguments: [
        (Value.null, "null"),
        (.bool(true), "true"),
        (.int(42), "42"),
        (.int(-7), "-7"),
        (.double(1.5), "1.5"),
        (.double(2), "2.0"),
        (.double(.nan), "null"),
        (.double(.infinity), "null"),
        (.string("a\"b\\c\nd\te\u{01}"), #""a\"b\\c\nd\te\u0001""#),
        (.string("héllo ✓"), "\"héllo ✓\""),
        (.array([]), "[]"),
        (.object([:]), "{}"),
        (.array([.int(1), .string("x"), .null]), #"[1,"x",null]"#),
        (
            .object(["b": .int(1), "a": .object(["z": .bool(false), "y": .array([])])]),
            #"{"a":{"y":[],"z":false},"b":1}"#
        ),
    ])
    func compactEncoding(value: Value, expected: String) {
        #expect(value.jsonString() == expected)
    }

    @Test func prettyEncodingIndentsAndSortsKeys() {
        let value = Value.object(["b": .array([.int(1), .int(2)]), "a": .object([:])])
        #expect(
            value.jsonString(pretty: true) == """
                {
                  "a": {},
                  "b": [
                    1,
                    2
                  ]
                }
                """)
    }

    @Test(arguments: [
        ("42", Value.int(42)),
        ("-0", .int(0)),
        ("1.0", .double(1)),
        ("1e3", .double(1000)),
        ("-2.5E-1", .double(-0.25)),
        ("9223372036854775807", .int(.max)),
        ("9223372036854775808", .double(9_223_372_036_854_775_808)),
        (" true ", .bool(true)),
        ("null", .null),
        (#""a\u00e9\n\/\ud83d\ude00""#, .string("aé\n/😀")),
        (
            #"[1, [2, {"k": "v"}], []]"#,
            .array([.int(1), .array([.int(2), .object(["k": .string("v")])]), .array([])])
        ),
        (#"{"a": 1, "a": 2}"#, .object(["a": .int(2)])),
    ])
    func parsing(text: String, expected: Value) throws {
        #expect(try Value.parseJSON(text) == expected)
    }

    @Test(arguments: [
        ("", 0), ("[1,]", 3), ("{\"a\" 1}", 5), ("01", 1), ("1.", 0), ("tru", 0),
        ("\"abc", 0), ("[1] 2", 4), ("{a: 1}", 1), ("\"\\x\"", 1), ("\"\\ud800\"", 1), ("1e999", 0),
        ("\"a\u{01}\"", 2), ("NaN", 0),
    ])
    func rejectsInvalidJSONWithOffset(text: String, offset: Int) {
        #expect(throws: Value.JSONParseError.self) { try Value.parseJSON(text) }
        do {
            _ = try Value.parseJSON(text)
        } catch {
            #expect(error.offset == offset, "\(error)")
        }
    }

    @Test func roundTripsThroughText() throws {
        let value = Value.object([
            "int": .int(3), "double": .double(3), "small": .double(1e-7), "big": .double(1e300),
            "text": .string("line\r\nquote\" \u{7F}"), "list": .array([.null, .bool(false)]),
        ])
        #expect(try Value.parseJSON(value.jsonString()) == value)
        #expect(try Value.parseJSON(value.jsonString(pretty: true)) == value)
    }

    @Test func refusesDeepNestingWithoutCrashing() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: Value.JSONParseError.self) { try Value.parseJSON(deep) }
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: Never.self) { try Value.parseJSON(fine) }
    }

    @Test(arguments: [
        (Value.string("plain"), "plain"),
        (.int(3), "3"),
        (.double(0.5), "0.5"),
        (.null, "null"),
        (.bool(false), "false"),
        (.array([.string("a")]), #"["a"]"#),
        (.object(["k": .int(1)]), #"{"k":1}"#),
    ])
    func stringified(value: Value, expected: String) {
        #expect(value.stringified == expected)
    }
}
