import SireCore

/// The operations of `data.transform` over JSON values, with expressions evaluated per item.
///
/// Pure: no I/O, so the tool only reads params and wraps the result.
enum DataTransform {
    /// The operations, in the order the docs list them.
    static let operations = ["map", "filter", "reduce", "sort", "pick", "group"]

    /// Which optional params each operation reads; anything else given is a mistake worth naming.
    static let parameters: [String: Set<String>] = [
        "map": ["expression"], "filter": ["expression"], "reduce": ["expression", "initial"],
        "sort": ["by", "descending"], "pick": ["fields"], "group": ["by"],
    ]

    /// An expression parsed once and evaluated for every item.
    struct Compiled {
        let parameter: String
        let expression: Expression

        init(_ text: String, parameter: String) throws(ToolError) {
            self.parameter = parameter
            do {
                expression = try Expression.parse(text)
            } catch {
                throw ToolError("data.transform: \(parameter) '\(text)': \(error.description)")
            }
        }

        func evaluate(_ variables: [String: Value]) throws(ToolError) -> Value {
            do {
                return try expression.evaluate(in: EvaluationContext(variables: variables))
            } catch {
                throw ToolError(
                    "data.transform: \(parameter) '\(expression.source)': \(error.description)")
            }
        }
    }

    static func map(_ items: [Value], _ expression: Compiled) throws(ToolError) -> Value {
        var result: [Value] = []
        result.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            result.append(try expression.evaluate(["item": item, "index": .int(index)]))
        }
        return .array(result)
    }

    static func filter(_ items: [Value], _ expression: Compiled) throws(ToolError) -> Value {
        var result: [Value] = []
        for (index, item) in items.enumerated()
        where try expression.evaluate(["item": item, "index": .int(index)]).isTruthy {
            result.append(item)
        }
        return .array(result)
    }

    static func reduce(_ items: [Value], _ expression: Compiled, initial: Value) throws(ToolError)
        -> Value
    {
        var accumulator = initial
        for (index, item) in items.enumerated() {
            accumulator = try expression.evaluate([
                "acc": accumulator, "item": item, "index": .int(index),
            ])
        }
        return accumulator
    }

    /// Sorts by a key that must be a number for every item or a string for every item; equal
    /// keys keep their input order, in both directions.
    static func sort(_ items: [Value], by key: Compiled, descending: Bool) throws(ToolError)
        -> Value
    {
        var keyed: [(key: Value, index: Int)] = []
        keyed.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            let value = try key.evaluate(["item": item, "index": .int(index)])
            switch value {
            case .int, .double:
                if let first = keyed.first, case .string = first.key {
                    throw mixedKeys(first.index, index)
                }
                if case .double(let number) = value, number.isNaN {
                    throw ToolError("data.transform: sort key of item \(index) is NaN")
                }
            case .string:
                if let first = keyed.first, first.key.ordering(comparedTo: value) == nil {
                    throw mixedKeys(first.index, index)
                }
            default:
                throw ToolError(
                    "data.transform: sort key of item \(index) is \(value.typeName); "
                        + "keys must be numbers or strings")
            }
            keyed.append((value, index))
        }
        keyed.sort { a, b in
            switch a.key.ordering(comparedTo: b.key) {
            case .ascending: return !descending
            case .descending: return descending
            default: return a.index < b.index
            }
        }
        return .array(keyed.map { items[$0.index] })
    }

    private static func mixedKeys(_ first: Int, _ other: Int) -> ToolError {
        ToolError(
            "data.transform: sort keys mix numbers and strings (items \(first) and \(other))")
    }

    /// Keeps `fields` of one object, or of each object in a list; absent fields are left out.
    static func pick(_ data: Value, fields: [String]) throws(ToolError) -> Value {
        func pickOne(_ value: Value, _ where_: String) throws(ToolError) -> Value {
            guard case .object(let members) = value else {
                throw ToolError(
                    "data.transform: pick needs objects, but \(where_) is \(value.typeName)")
            }
            return .object(members.filter { fields.contains($0.key) })
        }
        if case .array(let items) = data {
            var result: [Value] = []
            for (index, item) in items.enumerated() {
                result.append(try pickOne(item, "item \(index)"))
            }
            return .array(result)
        }
        return try pickOne(data, "data")
    }

    /// Groups items by a key, stringified (`1` and `"1"` share a group); each group keeps the
    /// input order.
    static func group(_ items: [Value], by key: Compiled) throws(ToolError) -> Value {
        var groups: [String: [Value]] = [:]
        for (index, item) in items.enumerated() {
            let value = try key.evaluate(["item": item, "index": .int(index)])
            groups[value.stringified, default: []].append(item)
        }
        return .object(groups.mapValues(Value.array))
    }
}
