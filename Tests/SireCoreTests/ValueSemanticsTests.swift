import Testing

@testable import SireCore

@Suite("Value semantics")
struct ValueSemanticsTests {
    @Test(arguments: [
        (Value.null, false), (.bool(false), false), (.bool(true), true), (.int(0), false),
        (.int(-1), true),
        (.double(0), false), (.double(.nan), false), (.double(0.1), true), (.string(""), false),
        (.string("0"), true), (.array([]), false), (.array([.null]), true), (.object([:]), false),
        (.object(["a": .null]), true),
    ])
    func truthiness(value: Value, truthy: Bool) {
        #expect(value.isTruthy == truthy)
    }

    @Test(arguments: [
        (Value.int(1), Value.double(1), true),
        (.double(2.5), .int(2), false),
        (.string("1"), .int(1), false),
        (.null, .null, true),
        (.null, .bool(false), false),
        (.array([.int(1), .double(2)]), .array([.double(1), .int(2)]), true),
        (.array([.int(1)]), .array([.int(1), .int(2)]), false),
        (.object(["a": .int(1)]), .object(["a": .double(1)]), true),
        (.object(["a": .int(1)]), .object(["b": .int(1)]), false),
    ])
    func equality(left: Value, right: Value, equal: Bool) {
        #expect(left.isEqual(to: right) == equal)
        #expect(right.isEqual(to: left) == equal)
    }

    @Test(arguments: [
        (Value.int(1), Value.int(2), Value.Ordering?.some(.ascending)),
        (.double(2.5), .int(2), .descending),
        (.int(3), .double(3), .same),
        (.string("apple"), .string("banana"), .ascending),
        (.string("b"), .string("b"), .same),
        (.string("1"), .int(1), nil),
        (.null, .int(0), nil),
        (.bool(true), .bool(false), nil),
        (.double(.nan), .int(1), nil),
        (.array([]), .array([]), nil),
    ])
    func ordering(left: Value, right: Value, expected: Value.Ordering?) {
        #expect(left.ordering(comparedTo: right) == expected)
    }
}
