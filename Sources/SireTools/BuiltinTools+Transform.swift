import SireCore

extension BuiltinTools {
    /// `data.transform {data, operation, expression?, initial?, fields?, by?, descending?}` →
    /// `{result}`. See ``DataTransform`` for the operations.
    func transform(_ call: ToolCall) throws(ToolError) -> Value {
        let tool = "data.transform"
        let params = try ToolParameters(
            call.params, tool: tool,
            allowed: ["data", "operation", "expression", "initial", "fields", "by", "descending"])
        let operation = try params.requiredString("operation")
        guard let used = DataTransform.parameters[operation] else {
            throw params.error(
                "operation",
                "must be one of \(DataTransform.operations.joined(separator: ", ")), not '\(operation)'"
                    + Suggestion.hint(for: operation, in: DataTransform.operations))
        }
        let unused = ["expression", "initial", "fields", "by", "descending"]
            .filter { params.has($0) && !used.contains($0) }
        if let first = unused.first {
            throw params.error(first, "is not used by operation '\(operation)'")
        }
        // `data` may legitimately be null (an empty upstream result): treat it as an empty list.
        let data = params["data"] ?? .array([])

        func list() throws(ToolError) -> [Value] {
            guard case .array(let items) = data else {
                throw params.error(
                    "data", "must be an array for operation '\(operation)', not \(data.typeName)")
            }
            return items
        }
        func expression(_ key: String, default fallback: String? = nil) throws(ToolError)
            -> DataTransform.Compiled
        {
            guard let text = try params.string(key) ?? fallback else { throw params.missing(key) }
            return try DataTransform.Compiled(text, parameter: key)
        }

        let result: Value
        switch operation {
        case "map":
            result = try DataTransform.map(list(), expression("expression"))
        case "filter":
            result = try DataTransform.filter(list(), expression("expression"))
        case "reduce":
            result = try DataTransform.reduce(
                list(), expression("expression"), initial: params["initial"] ?? .null)
        case "sort":
            result = try DataTransform.sort(
                list(), by: expression("by", default: "item"),
                descending: params.bool("descending") ?? false)
        case "pick":
            guard let fields = try params.strings("fields") else { throw params.missing("fields") }
            result = try DataTransform.pick(data, fields: fields)
        default:
            result = try DataTransform.group(list(), by: expression("by"))
        }
        return .object(["result": result])
    }
}
