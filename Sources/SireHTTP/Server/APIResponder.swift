import Foundation
import HTTPTypes
import Hummingbird
import Logging
import SireController
import SireCore

/// Answers every request: gives it a request id (the client's `X-Request-Id`, else a new one)
/// that is echoed and put in every log line, routes it, checks its token, bounds its time,
/// turns every error into a JSON error, and counts it in the request metrics.
package struct APIResponder: HTTPResponder {
    /// The request context the server builds.
    package typealias Context = APIRequestContext

    let routes: RouteTable
    let configuration: HTTPConfiguration
    let metrics = HTTPMetrics()

    /// Answers one request; never throws (every error becomes a JSON error response).
    package func respond(to request: Request, context: APIRequestContext) async throws -> Response {
        let start = ContinuousClock.now
        let requestID = Self.requestID(request.headers[Self.requestIDHeader])
        var logger = context.logger
        logger[metadataKey: "hb.request.id"] = nil
        logger[metadataKey: "request.id"] = .string(requestID)
        let path = request.uri.path
        var routeName = "unmatched"
        var quiet = false
        var response: Response
        do {
            switch routes.match(request.method, path) {
            case .none:
                throw APIError.notFound("no endpoint \(path)")
            case .wrongMethod(let allowed):
                var error = APIError(
                    .methodNotAllowed, "method_not_allowed",
                    "\(request.method.rawValue) is not allowed on \(path) (use \(allowed.map(\.rawValue).joined(separator: ", ")))"
                )
                error.headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
                throw error
            case .found(let route, let parameters):
                routeName = route.path
                quiet = route.access == .open
                let role = try authorize(route, request: request, loopbackPeer: context.loopbackPeer)
                let call = APICall(
                    request: request, parameters: parameters, query: APICall.decodeQuery(request.uri.query),
                    requestID: requestID, logger: logger, loopbackPeer: context.loopbackPeer,
                    bodyLimit: configuration.bodyLimit, role: role)
                if route.streams {
                    response = try await route.handler(call)
                } else {
                    let limit =
                        configuration.requestTimeout + Self.requestedWait(call.query, cap: configuration.maxWait)
                    response = try await Self.withTimeout(limit) { try await route.handler(call) }
                }
            }
        } catch {
            let apiError = APIError.from(error)
            if apiError.status == .internalServerError {
                logger.error("request failed: \(error)", metadata: ["http.route": "\(routeName)"])
            }
            response = .error(apiError)
        }
        response.headers[Self.requestIDHeader] = requestID
        let elapsed = ContinuousClock.now - start
        metrics.record(
            route: routeName, method: request.method.rawValue, status: response.status.code, duration: elapsed)
        logger.log(
            level: quiet && response.status.code < 400 ? .debug : .info, "request",
            metadata: [
                "http.method": "\(request.method.rawValue)", "http.route": "\(routeName)",
                "http.status": "\(response.status.code)",
                "duration_ms": "\(String(format: "%.2f", Double(elapsed.nanoseconds) / 1e6))",
            ])
        return response
    }

    /// Checks the bearer token against the route's role and returns the caller's role (nil on
    /// open routes). Without any configured token the API is open, but only to clients on this
    /// machine, who may do everything.
    private func authorize(_ route: Route, request: Request, loopbackPeer: Bool) throws(APIError) -> APIRole? {
        guard case .role(let needed) = route.access else { return nil }
        if configuration.tokens.isEmpty {
            guard loopbackPeer else {
                throw .unauthorized("no API tokens are configured: the API answers only clients on this machine")
            }
            try LocalRequestGuard.check(request)
            return .admin
        }
        guard let header = request.headers[.authorization] else {
            throw .unauthorized("this endpoint needs `Authorization: Bearer TOKEN`")
        }
        guard header.count > 7, header.prefix(7).lowercased() == "bearer " else {
            throw .unauthorized("the Authorization header must be `Bearer TOKEN`")
        }
        guard let role = configuration.tokens.role(of: String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces))
        else {
            throw .unauthorized("the bearer token is not valid")
        }
        guard role >= needed else {
            throw .forbidden("this endpoint needs the \(needed.rawValue) role; the token has \(role.rawValue)")
        }
        return role
    }

    static let requestIDHeader = HTTPField.Name("X-Request-Id")!

    /// The client's request id when it is short and printable, else a new random one.
    static func requestID(_ given: String?) -> String {
        if let given, !given.isEmpty, given.count <= 128,
            given.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f })
        {
            return given
        }
        var generator = SystemRandomNumberGenerator()
        return String(generator.next(), radix: 16).leftPadded(to: 16)
    }

    /// The `?wait=` a request asks for (so its time limit can include it).
    static func requestedWait(_ query: [String: String], cap: Duration) -> Duration {
        guard let text = query["wait"], let wait = try? WaitParameter.parse(text) else { return .zero }
        return min(wait, cap)
    }

    static func withTimeout(
        _ limit: Duration, _ work: @escaping @Sendable () async throws -> Response
    ) async throws -> Response {
        let (result, timedOut) = await SireCore.withTimeout(limit) { () async -> Result<Response, any Error> in
            do { return .success(try await work()) } catch { return .failure(error) }
        }
        guard !timedOut else {
            var error = APIError(
                .serviceUnavailable, "timeout", "the request took longer than \(limit) and was abandoned")
            error.headers[.retryAfter] = "1"
            throw error
        }
        return try result.get()
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
