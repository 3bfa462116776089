import HTTPTypes
import SireController

/// An error the API answers with: an HTTP status, a stable snake_case `code` and a message a
/// user can act on, sent as `{"error":{"code","message"}}`. Controller errors are mapped here,
/// at the edge: usage → 400, invalid → 422, notFound → 404, conflict → 409, io/internal → 500.
package struct APIError: Error, CustomStringConvertible, Sendable {
    /// The HTTP status sent.
    package var status: HTTPResponse.Status
    /// A stable snake_case code clients can branch on (`not_found`, `invalid`, ...).
    package var code: String
    /// One line a user can act on.
    package var message: String
    /// Extra response headers (`Allow`, `WWW-Authenticate`, `Retry-After`).
    package var headers: HTTPFields = [:]

    /// An error with a status, a code and a message.
    package init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// `404 not_found: no run ...`.
    package var description: String { "\(status.code) \(code): \(message)" }

    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, "bad_request", message) }
    static func notFound(_ message: String) -> APIError { APIError(.notFound, "not_found", message) }
    static func conflict(_ message: String) -> APIError { APIError(.conflict, "conflict", message) }
    static func invalid(_ message: String) -> APIError { APIError(.unprocessableContent, "invalid", message) }

    static func unauthorized(_ message: String) -> APIError {
        var error = APIError(.unauthorized, "unauthorized", message)
        error.headers[.wwwAuthenticate] = "Bearer"
        return error
    }

    static func forbidden(_ message: String) -> APIError { APIError(.forbidden, "forbidden", message) }

    /// Maps any error escaping a handler to what the client sees; unknown errors are 500s whose
    /// detail stays in the log.
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as ControllerError:
            switch error.code {
            case .usage: return .badRequest(error.message)
            case .invalid: return .invalid(error.message)
            case .notFound: return .notFound(error.message)
            case .conflict: return .conflict(error.message)
            case .forbidden: return .forbidden(error.message)
            case .unavailable: return APIError(.serviceUnavailable, "unavailable", error.message)
            case .io, .internal: return APIError(.internalServerError, "internal", error.message)
            }
        default:
            return APIError(.internalServerError, "internal", "internal error: \(error)")
        }
    }
}
