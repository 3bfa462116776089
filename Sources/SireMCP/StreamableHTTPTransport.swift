import AsyncHTTPClient
import Foundation
import Logging
import MCP
import NIOCore
import NIOHTTP1

/// An MCP Streamable-HTTP transport on async-http-client: every message is a POST whose answer
/// is `202`, one JSON message, or a Server-Sent-Event stream of messages, read as it arrives.
///
/// Keeps the `Mcp-Session-Id` the server assigns and, once `initialize` has answered, sends the
/// negotiated `MCP-Protocol-Version` with every request. A request whose answer ends without
/// its response fails (the SDK's client would otherwise wait forever), and so does every
/// request after the server forgets the session (`404`): `onClose` tells the owner to start
/// a new session.
actor StreamableHTTPTransport: Transport {
    nonisolated let logger: Logger
    private let url: String
    private let headers: [String: String]
    private let httpClient: HTTPClient
    private let onClose: @Sendable (String) -> Void
    private let messages: AsyncThrowingStream<Data, any Error>
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation
    private(set) var sessionID: String?
    private(set) var protocolVersion: String?
    /// Longest wait for one request's answer; calls have their own, shorter deadlines.
    private let requestTimeout: TimeAmount

    init(
        url: String, headers: [String: String], httpClient: HTTPClient, requestTimeout: TimeAmount = .hours(24),
        logger: Logger, onClose: @escaping @Sendable (String) -> Void
    ) {
        self.url = url
        self.headers = headers
        self.httpClient = httpClient
        self.requestTimeout = requestTimeout
        self.logger = logger
        self.onClose = onClose
        (messages, continuation) = AsyncThrowingStream.makeStream()
    }

    func connect() async throws {}

    func disconnect() async {
        continuation.finish()
        guard let sessionID else { return }
        self.sessionID = nil
        // Tell the server it may forget the session; it forgets idle ones anyway.
        var request = HTTPClientRequest(url: url)
        request.method = .DELETE
        addHeaders(to: &request, session: sessionID)
        _ = try? await httpClient.execute(request, timeout: .seconds(2))
    }

    nonisolated func receive() -> AsyncThrowingStream<Data, any Error> {
        messages
    }

    func send(_ data: Data) async throws {
        let requestID = Self.requestID(of: data)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json, text/event-stream")
        addHeaders(to: &request, session: sessionID)
        request.body = .bytes(ByteBuffer(bytes: data))
        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(request, timeout: requestTimeout)
        } catch {
            throw fail("cannot reach \(url): \(error)")
        }
        if let assigned = response.headers.first(name: "Mcp-Session-Id") {
            sessionID = assigned
        }
        switch response.status.code {
        case 202:
            return
        case 200..<300:
            break
        case 404 where sessionID != nil:
            throw fail("\(url) no longer knows the session (HTTP 404)")
        default:
            let body = (try? await response.body.collect(upTo: 4096)).map { String(buffer: $0) } ?? ""
            let message = "\(url) answered HTTP \(response.status.code)\(body.isEmpty ? "" : ": \(body.prefix(300))")"
            if response.status.code >= 500 || response.status.code == 429 || response.status.code == 408 {
                throw fail(message)
            }
            throw MCPError.internalError(message)
        }
        let contentType = response.headers.first(name: "Content-Type")?.lowercased() ?? ""
        var answered = false
        do {
            if contentType.hasPrefix("text/event-stream") {
                var parser = ServerSentEvents()
                for try await chunk in response.body {
                    for event in parser.feed(chunk.readableBytesView) where event.type == "message" {
                        answered = deliver(Data(event.data.utf8), answering: requestID) || answered
                    }
                }
                if let event = parser.finish(), event.type == "message" {
                    answered = deliver(Data(event.data.utf8), answering: requestID) || answered
                }
            } else {
                let body = try await response.body.collect(upTo: 64 * 1024 * 1024)
                if body.readableBytes > 0 {
                    answered = deliver(Data(body.readableBytesView), answering: requestID)
                }
            }
        } catch {
            throw fail("lost the answer from \(url): \(error)")
        }
        if let requestID, !answered {
            throw fail("\(url) ended its answer to request \(requestID) without a response")
        }
    }

    /// Hands one message to the client; true when it is the response to `requestID`.
    private func deliver(_ message: Data, answering requestID: String?) -> Bool {
        let answers = requestID.map { Self.isResponse(message, to: $0) } ?? false
        if protocolVersion == nil, answers,
            let object = try? JSONSerialization.jsonObject(with: message) as? [String: Any],
            let result = object["result"] as? [String: Any], let version = result["protocolVersion"] as? String
        {
            protocolVersion = version
        }
        continuation.yield(message)
        return answers
    }

    private func addHeaders(to request: inout HTTPClientRequest, session: String?) {
        for (name, value) in headers {
            request.headers.replaceOrAdd(name: name, value: value)
        }
        if let session { request.headers.replaceOrAdd(name: "Mcp-Session-Id", value: session) }
        if let protocolVersion { request.headers.replaceOrAdd(name: "MCP-Protocol-Version", value: protocolVersion) }
    }

    /// Reports a broken connection: the session is dropped, this request fails transiently.
    private func fail(_ message: String) -> MCPTransportError {
        onClose(message)
        return MCPTransportError(message)
    }

    /// The `id` of a JSON-RPC request, as text; nil for a notification or a response.
    private static func requestID(of data: Data) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            object["method"] != nil, let id = object["id"]
        else { return nil }
        return "\(id)"
    }

    private static func isResponse(_ data: Data, to requestID: String) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            object["method"] == nil, let id = object["id"]
        else { return false }
        return "\(id)" == requestID
    }
}
