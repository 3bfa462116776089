import HTTPTypes
import Hummingbird
import SireController

/// One endpoint: method, path pattern (`/v1/runs/{id}`), who may call it, and its handler.
struct Route: Sendable {
    /// Who may call an endpoint.
    enum Access: Sendable, Equatable {
        /// Anyone (health, readiness, metrics).
        case open
        /// Anyone with a valid hook signature (checked by the handler itself).
        case hook
        /// Bearer tokens with at least this role.
        case role(APIRole)
    }

    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    let method: HTTPRequest.Method
    /// The pattern, also the `route` label of the request metrics.
    let path: String
    let segments: [Segment]
    let access: Access
    /// Streams its body for as long as it likes (no request timeout).
    let streams: Bool
    let handler: @Sendable (APICall) async throws -> Response

    init(
        _ method: HTTPRequest.Method, _ path: String, _ access: Access, streams: Bool = false,
        _ handler: @escaping @Sendable (APICall) async throws -> Response
    ) {
        self.method = method
        self.path = path
        segments = path.split(separator: "/").map { part in
            part.hasPrefix("{") && part.hasSuffix("}")
                ? .parameter(String(part.dropFirst().dropLast())) : .literal(String(part))
        }
        self.access = access
        self.streams = streams
        self.handler = handler
    }

    /// The path parameters when `components` fit this pattern.
    func parameters(for components: [Substring]) -> [String: String]? {
        guard components.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, component) in zip(segments, components) {
            switch segment {
            case .literal(let text): guard component == text else { return nil }
            case .parameter(let name):
                guard let value = String(component).removingPercentEncoding, !value.isEmpty else { return nil }
                parameters[name] = value
            }
        }
        return parameters
    }
}

/// The API's routes, matched in order: a path that fits a route with another method is a 405.
struct RouteTable: Sendable {
    enum Match {
        case found(Route, [String: String])
        case wrongMethod(allowed: [HTTPRequest.Method])
        case none
    }

    let routes: [Route]

    func match(_ method: HTTPRequest.Method, _ path: String) -> Match {
        let components = path.split(separator: "/")
        var allowed: [HTTPRequest.Method] = []
        for route in routes {
            guard let parameters = route.parameters(for: components) else { continue }
            if route.method == method { return .found(route, parameters) }
            allowed.append(route.method)
        }
        return allowed.isEmpty ? .none : .wrongMethod(allowed: allowed)
    }
}
