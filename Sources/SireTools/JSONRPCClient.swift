public import AsyncHTTPClient
public import SireCore

/// Plain JSON-RPC 2.0 over HTTP POST, for `jsonrpc:URL#METHOD` tools.
///
/// The request id is the call's idempotency key, so a server can recognise a retried call. A
/// JSON-RPC `error` is a permanent failure (the server answered); network errors, timeouts,
/// HTTP 429 and 5xx are transient.
public struct JSONRPCClient: ToolInvoker {
    let http: HTTPClient

    /// Creates a client over a shared HTTP client (the owner shuts it down).
    public init(httpClient: HTTPClient) {
        self.http = httpClient
    }

    /// Calls `call.tool`'s method with `call.params`; the result is the output, wrapped as
    /// `{result: x}` when it is not an object.
    public func call(_ call: ToolCall) async throws(ToolError) -> Value {
        guard case .jsonRPC(let url, let method) = call.tool else {
            throw ToolError("\(call.tool) is not a JSON-RPC tool")
        }
        let tool = call.tool.description
        let id = Value.string(call.idempotencyKey)
        let envelope: Value = .object([
            "jsonrpc": .string("2.0"), "id": id, "method": .string(method), "params": call.params,
        ])
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "Idempotency-Key", value: call.idempotencyKey)
        request.body = .bytes(Array(envelope.jsonString().utf8))

        let response = try await HTTPExchange(client: http, tool: tool)
            .perform(request, timeout: effectiveTimeout(nil, call.timeout))
        let parsed = try? Value.parseJSON(response.text)
        if response.status >= 400 {
            // Servers often answer errors with a JSON-RPC error body and a 4xx/5xx status:
            // keep whichever tells the user more.
            let output: Value = .object([
                "status": .int(response.status), "body": parsed ?? .string(response.text),
            ])
            let detail =
                parsed.flatMap(Self.errorText) ?? "HTTP \(response.status) \(response.reason)"
            throw ToolError(
                "\(tool): \(detail)", transient: response.status == 429 || response.status >= 500,
                output: output)
        }
        guard case .object(let reply)? = parsed else {
            throw ToolError(
                "\(tool): the response is not a JSON-RPC object: \(String(response.text.prefix(200)))",
                output: .string(String(response.text.prefix(4096))))
        }
        if let error = reply["error"], error != .null {
            throw ToolError(
                "\(tool): \(Self.errorText(.object(reply)) ?? "error \(error.stringified)")",
                output: error)
        }
        guard let result = reply["result"] else {
            throw ToolError(
                "\(tool): the response has neither 'result' nor 'error'", output: .object(reply))
        }
        if let replyID = reply["id"], replyID != id {
            throw ToolError(
                "\(tool): the response id \(replyID.jsonString()) does not match the request id "
                    + id.jsonString(), output: .object(reply))
        }
        if case .object = result { return result }
        return .object(["result": result])
    }

    /// `JSON-RPC error CODE: MESSAGE` from a reply's `error` member, if it has one.
    static func errorText(_ reply: Value) -> String? {
        guard case .object(let members) = reply, case .object(let error)? = members["error"] else {
            return nil
        }
        let code = error["code"].map { " \($0.stringified)" } ?? ""
        let message = error["message"].map { ": \($0.stringified)" } ?? ""
        return "JSON-RPC error\(code)\(message)"
    }
}
