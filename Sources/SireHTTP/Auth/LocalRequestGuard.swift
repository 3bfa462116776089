import HTTPTypes
import Hummingbird

/// What the API asks of a request it trusts only because it comes from this machine (no API
/// tokens configured): a web page in a browser on the same machine must not be able to use
/// that trust.
///
/// - `Host` must name a loopback address (`localhost`, `127.x.x.x`, `[::1]`): a page served by
///   a rebinding DNS name (`attacker.example` resolving to 127.0.0.1) sends its own name.
/// - `Origin`, when a browser sends one, must be a loopback origin too.
/// - A POST with a body must be `application/json`: HTML forms and `no-cors` fetches can only
///   send `text/plain`, form or multipart bodies without asking first (CORS preflight).
enum LocalRequestGuard {
    static func check(_ request: Request) throws(APIError) {
        guard let authority = request.head.authority, isLoopback(host: host(ofAuthority: authority)) else {
            throw .forbidden(
                "without API tokens only requests addressed to this machine (Host: localhost, 127.0.0.1 or [::1]) "
                    + "are answered; got Host: \(request.head.authority ?? "none")")
        }
        if let origin = request.headers[.origin] {
            guard let host = host(ofOrigin: origin), isLoopback(host: host) else {
                throw .forbidden(
                    "without API tokens requests from web pages of other sites are refused (Origin: \(origin))")
            }
        }
        if request.method == .post, let type = request.headers[.contentType] {
            let media = type.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard media == "application/json" else {
                throw APIError(
                    .unsupportedMediaType, "unsupported_media_type",
                    "request bodies must be application/json (got \(type))")
            }
        }
    }

    /// `host` of `host:port`, `[v6]:port`, `host`.
    static func host(ofAuthority authority: String) -> String {
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return authority }
            return String(authority[authority.index(after: authority.startIndex)..<close])
        }
        if authority.filter({ $0 == ":" }).count == 1, let colon = authority.firstIndex(of: ":") {
            return String(authority[..<colon])
        }
        return authority
    }

    /// The host of `scheme://host[:port]`; nil for `null` and anything else.
    static func host(ofOrigin origin: String) -> String? {
        guard let separator = origin.range(of: "://") else { return nil }
        let authority = origin[separator.upperBound...].prefix { $0 != "/" }
        return authority.isEmpty ? nil : host(ofAuthority: String(authority))
    }

    static func isLoopback(host: String) -> Bool {
        let name = host.lowercased()
        if name == "localhost" || name == "::1" { return true }
        let octets = name.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127"
            && octets.allSatisfy { octet in UInt8(octet) != nil && !octet.hasPrefix("+") }
    }
}
