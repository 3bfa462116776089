/// A JSON-shaped value: what inputs, step params and step outputs are made of.
///
/// Integers and doubles are kept apart so `3` stays `3` (not `3.0`) through templates.
/// Objects keep no key order; encoders sort keys so output is deterministic.
public enum Value: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([Value])
    case object([String: Value])
}

extension Value {
    /// The JSON type name used in messages: `null`, `boolean`, `integer`, `number`, `string`,
    /// `array`, `object`.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .int: "integer"
        case .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
