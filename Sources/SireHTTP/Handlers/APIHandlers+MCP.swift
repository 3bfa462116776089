import Foundation
import HTTPTypes
import Hummingbird
import MCP
import ServiceLifecycle
import SireMCPServer

extension APIHandlers {
    /// `POST|GET|DELETE /mcp`: sire-git's tools over MCP Streamable HTTP (sessions, answers as
    /// Server-Sent Events). The route needs a viewer token; the tools that start or stop runs
    /// check for the operator role themselves, from the role this handler passes on in a
    /// header it sets (any such header from the client is replaced).
    @Sendable func mcp(_ call: APICall) async throws -> Response {
        let method = call.request.method
        let body = method == .post ? Data(try await call.body()) : nil
        var headers: [String: String] = [:]
        for field in call.request.headers where field.name.canonicalName != Toolbox.roleHeader.lowercased() {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { "\($0), \(field.value)" } ?? field.value
        }
        // HTTP/1.1's Host travels as the request's authority, not among the header fields: the
        // SDK's own Host check needs it back.
        if let authority = call.request.head.authority { headers["host"] = authority }
        headers[Toolbox.roleHeader] = (call.role ?? .viewer).rawValue
        let answer = await mcpSessions.handle(
            MCP.HTTPRequest(method: method.rawValue, headers: headers, body: body, path: call.request.uri.path))
        var fields = HTTPFields()
        for (name, value) in answer.headers {
            if let field = HTTPField.Name(name) { fields[field] = value }
        }
        let status = HTTPResponse.Status(code: answer.statusCode)
        switch answer {
        case .stream(let stream, _):
            let sessions = mcpSessions
            let body = ResponseBody { writer in
                try await withGracefulShutdownHandler {
                    for try await chunk in stream { try await writer.write(ByteBuffer(bytes: chunk)) }
                } onGracefulShutdown: {
                    Task { await sessions.closeAll() }
                }
                try await writer.finish(nil)
            }
            return Response(status: status, headers: fields, body: body)
        default:
            let data = answer.bodyData ?? Data()
            return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        }
    }
}
