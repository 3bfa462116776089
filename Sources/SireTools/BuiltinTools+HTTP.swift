import AsyncHTTPClient
import NIOHTTP1
import SireCore

extension BuiltinTools {
    /// `http.request {method?: GET, url, headers?, query?, body?, timeout?, fail_on_status?: true}`
    /// → `{status, headers, body}`.
    ///
    /// With `fail_on_status` a status of 400 or more fails the step with the response attached:
    /// 429 and 5xx as transient (worth retrying), other 4xx as permanent.
    func request(_ call: ToolCall) async throws(ToolError) -> Value {
        let tool = "http.request"
        let params = try ToolParameters(
            call.params, tool: tool,
            allowed: ["method", "url", "headers", "query", "body", "timeout", "fail_on_status"])
        let method = try params.string("method")?.uppercased() ?? "GET"
        guard !method.isEmpty,
            method.utf8.allSatisfy({
                $0 > 32 && $0 < 127 && !"()<>@,;:\\\"/[]?={}".utf8.contains($0)
            })
        else { throw params.error("method", "'\(method)' is not an HTTP method") }
        let url = try params.requiredString("url")
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw params.error("url", "must start with http:// or https://, not '\(url)'")
        }
        let failOnStatus = try params.bool("fail_on_status") ?? true
        let timeout = effectiveTimeout(try params.duration("timeout"), call.timeout)

        var request = HTTPClientRequest(url: try withQuery(url, params))
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in (try params.object("headers") ?? [:]).sorted(by: { $0.key < $1.key }) {
            switch value {
            case .string(let text): request.headers.add(name: name, value: text)
            case .int, .double, .bool: request.headers.add(name: name, value: value.stringified)
            default:
                throw params.error(
                    "headers", "value of '\(name)' must be a string, not \(value.typeName)")
            }
        }
        if !request.headers.contains(name: "Idempotency-Key") {
            request.headers.add(name: "Idempotency-Key", value: call.idempotencyKey)
        }
        switch params["body"] {
        case nil:
            break
        case .string(let text)?:
            request.body = .bytes(Array(text.utf8))
        case let value?:
            if !request.headers.contains(name: "Content-Type") {
                request.headers.add(name: "Content-Type", value: "application/json")
            }
            request.body = .bytes(Array(value.jsonString().utf8))
        }

        let response = try await HTTPExchange(client: http, tool: tool).perform(
            request, timeout: timeout)
        var body: Value = .string(response.text)
        if response.isJSON, let parsed = try? Value.parseJSON(response.text) {
            body = parsed
        }
        let output: Value = .object([
            "status": .int(response.status),
            "headers": .object(response.headers.mapValues(Value.string)),
            "body": body,
        ])
        if failOnStatus, response.status >= 400 {
            throw ToolError(
                "\(tool): \(method) \(url) returned \(response.status) \(response.reason)",
                transient: response.status == 429 || response.status >= 500, output: output)
        }
        return output
    }

    /// `url` with `query` appended: values are stringified, lists repeat the key, nulls are
    /// dropped, and everything is percent-encoded.
    private func withQuery(_ url: String, _ params: ToolParameters) throws(ToolError) -> String {
        guard let query = try params.object("query"), !query.isEmpty else { return url }
        var pairs: [String] = []
        for (key, value) in query.sorted(by: { $0.key < $1.key }) {
            let values: [Value] = if case .array(let items) = value { items } else { [value] }
            for item in values {
                switch item {
                case .null: continue
                case .object, .array:
                    throw params.error(
                        "query", "value of '\(key)' must be a scalar or a list of scalars")
                default: pairs.append(percentEncoded(key) + "=" + percentEncoded(item.stringified))
                }
            }
        }
        guard !pairs.isEmpty else { return url }
        var base = Substring(url)
        var fragment: Substring = ""
        if let hash = url.firstIndex(of: "#") {
            base = url[..<hash]
            fragment = url[hash...]
        }
        return base + (base.contains("?") ? "&" : "?") + pairs.joined(separator: "&") + fragment
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
func percentEncoded(_ text: String) -> String {
    var result = ""
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "_"), UInt8(ascii: "~"):
            result.unicodeScalars.append(Unicode.Scalar(byte))
        default:
            result += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
        }
    }
    return result
}

/// The tighter of a tool's own timeout and the call's, or the HTTP default when neither is set.
func effectiveTimeout(_ own: Duration?, _ call: Duration?) -> Duration {
    switch (own, call) {
    case (let own?, let call?): min(own, call)
    case (let own?, nil): own
    case (nil, let call?): call
    case (nil, nil): HTTPExchange.defaultTimeout
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
