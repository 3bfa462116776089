public import AsyncHTTPClient
public import SireCore

/// The tools behind `sire:local/SERVICE.METHOD`, run in process.
///
/// Each takes a JSON object of params and returns a JSON object. Bad params (unknown names,
/// wrong types) are permanent failures naming the tool and the parameter.
public struct BuiltinTools: ToolInvoker {
    let http: HTTPClient

    /// Creates the built-in tools over an HTTP client that `http.request` shares with
    /// everything else the owner runs (the owner shuts it down).
    public init(httpClient: HTTPClient) {
        self.http = httpClient
    }

    /// Runs the built-in named by `call.tool`, which must be `.local`.
    public func call(_ call: ToolCall) async throws(ToolError) -> Value {
        guard case .local(let name) = call.tool else {
            throw ToolError("\(call.tool) is not a built-in tool")
        }
        switch name {
        case "file.read": return try readFile(call)
        case "file.write": return try writeFile(call)
        case "file.list": return try listFiles(call)
        case "http.request": return try await request(call)
        case "data.transform": return try transform(call)
        case "shell.run": return try await runShell(call)
        case "log.write": return try writeLog(call)
        case "time.sleep": return try await sleep(call)
        default:
            throw ToolError(
                "unknown built-in tool 'sire:local/\(name)'"
                    + Suggestion.hint(for: name, in: ToolReference.builtins))
        }
    }
}
