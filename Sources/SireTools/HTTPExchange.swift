import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SireCore

/// One HTTP request and its whole (capped) response, with failures sorted into transient and
/// permanent the way retries need: network errors and timeouts are transient, a malformed
/// request or an oversized response is not.
struct HTTPExchange {
    /// Largest response body read; beyond it the call fails rather than exhausting memory.
    static let maximumBodySize = 16 * 1024 * 1024
    /// Used when neither the step nor the call sets a timeout.
    static let defaultTimeout = Duration.seconds(60)

    /// A response read to the end.
    struct Response {
        var status: Int
        var reason: String
        /// Header names lowercased; repeated headers joined with `, `.
        var headers: [String: String]
        var body: [UInt8]

        /// Whether the body is declared JSON (`application/json` or any `+json` type).
        var isJSON: Bool {
            guard let type = headers["content-type"]?.split(separator: ";").first else {
                return false
            }
            let media = type.trimmingCharacters(in: .whitespaces).lowercased()
            return media == "application/json" || media.hasSuffix("+json")
        }

        /// The body as text, invalid UTF-8 replaced rather than refused.
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    let client: HTTPClient
    /// Who is asking, for messages: `http.request` or the JSON-RPC tool URI.
    let tool: String

    func perform(_ request: HTTPClientRequest, timeout: Duration) async throws(ToolError)
        -> Response
    {
        let what = "\(request.method.rawValue) \(request.url)"
        do {
            // The client's deadline covers waiting for the head, not a body that trickles in:
            // race the whole exchange against the time limit.
            let (result, timedOut) = await withTimeout(timeout) { () async -> Result<Response, any Error> in
                do { return .success(try await exchange(request, what: what, timeout: timeout)) } catch {
                    return .failure(error)
                }
            }
            if timedOut { throw HTTPClientError.deadlineExceeded }
            return try result.get()
        } catch let error as ToolError {
            throw error
        } catch let error as HTTPClientError {
            throw classify(error, what: what, timeout: timeout)
        } catch {
            if error is CancellationError || Task.isCancelled {
                throw ToolError("\(tool): \(what) was cancelled", transient: true)
            }
            throw ToolError("\(tool): \(what) failed: \(error)", transient: true)
        }
    }

    private func exchange(_ request: HTTPClientRequest, what: String, timeout: Duration)
        async throws
        -> Response
    {
        let nanoseconds = Int64(clamping: milliseconds(timeout)) * 1_000_000
        let response = try await client.execute(
            request, deadline: .now() + .nanoseconds(nanoseconds))
        var body: [UInt8] = []
        for try await chunk in response.body {
            guard body.count + chunk.readableBytes <= Self.maximumBodySize else {
                throw ToolError(
                    "\(tool): the response to \(what) is larger than "
                        + "\(Self.maximumBodySize / 1024 / 1024) MiB")
            }
            body.append(contentsOf: chunk.readableBytesView)
        }
        var headers: [String: String] = [:]
        for (name, value) in response.headers {
            let key = name.lowercased()
            headers[key] = headers[key].map { $0 + ", " + value } ?? value
        }
        return Response(
            status: Int(response.status.code), reason: response.status.reasonPhrase,
            headers: headers, body: body)
    }

    private func classify(_ error: HTTPClientError, what: String, timeout: Duration) -> ToolError {
        let timeouts: [HTTPClientError] = [
            .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .tlsHandshakeTimeout,
            .getConnectionFromPoolTimeout,
        ]
        // The request itself is wrong: sending it again cannot help.
        let malformed: [HTTPClientError] = [
            .invalidURL, .emptyHost, .emptyScheme, .traceRequestWithBody,
            .redirectLimitReached, .redirectCycleDetected,
        ]
        if timeouts.contains(error) {
            return ToolError(
                "\(tool): \(what) timed out after \(DurationText.format(timeout))", transient: true)
        }
        if error == .cancelled {
            return ToolError("\(tool): \(what) was cancelled", transient: true)
        }
        let text = String(describing: error)
        if malformed.contains(error) || text.contains("header") || text.contains("scheme") {
            return ToolError("\(tool): \(what) is not a valid request: \(text)")
        }
        return ToolError("\(tool): \(what) failed: \(text)", transient: true)
    }
}
