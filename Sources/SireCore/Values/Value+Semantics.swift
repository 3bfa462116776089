extension Value {
    /// How two values order in the expression language's `<`, `<=`, `>`, `>=`.
    public enum Ordering: Sendable, Hashable {
        case ascending
        case same
        case descending
    }

    /// Whether the value counts as true in `when`, `!`, `&&`, `||` and `?:`.
    ///
    /// `null`, `false`, zero, NaN, and empty strings, arrays and objects are false; everything
    /// else is true, so `when: "steps.list.output.items"` skips on an empty list.
    public var isTruthy: Bool {
        switch self {
        case .null: false
        case .bool(let flag): flag
        case .int(let number): number != 0
        case .double(let number): number != 0 && !number.isNaN
        case .string(let text): !text.isEmpty
        case .array(let items): !items.isEmpty
        case .object(let members): !members.isEmpty
        }
    }

    /// Equality as `==` sees it: structural, except that integers and doubles compare by
    /// numeric value (`1 == 1.0`). Values of different kinds are never equal; nothing is coerced.
    public func isEqual(to other: Value) -> Bool {
        switch (self, other) {
        case (.int(let left), .double(let right)): Double(left) == right
        case (.double(let left), .int(let right)): left == Double(right)
        case (.array(let left), .array(let right)):
            left.count == right.count && zip(left, right).allSatisfy { $0.isEqual(to: $1) }
        case (.object(let left), .object(let right)):
            left.count == right.count
                && left.allSatisfy { key, value in right[key].map { value.isEqual(to: $0) } ?? false
                }
        default: self == other
        }
    }

    /// Ordering of two numbers or two strings; `nil` when the pair cannot be ordered (mixed
    /// kinds, null, booleans, arrays, objects, or NaN).
    public func ordering(comparedTo other: Value) -> Ordering? {
        switch (self, other) {
        case (.int(let left), .int(let right)): Value.order(left, right)
        case (.string(let left), .string(let right)): Value.order(left, right)
        default:
            if let left = numericValue, let right = other.numericValue, !left.isNaN, !right.isNaN {
                Value.order(left, right)
            } else {
                nil
            }
        }
    }

    /// The value as a `Double` when it is an integer or a double.
    var numericValue: Double? {
        switch self {
        case .int(let number): Double(number)
        case .double(let number): number
        default: nil
        }
    }

    private static func order<T: Comparable>(_ left: T, _ right: T) -> Ordering {
        left < right ? .ascending : (left == right ? .same : .descending)
    }
}
