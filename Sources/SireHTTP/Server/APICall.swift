import Foundation
import HTTPTypes
import Hummingbird
import Logging
import SireController

/// One request as a handler sees it: path parameters, decoded query, the request id and a
/// logger carrying it, and the body read under the size limit.
struct APICall: Sendable {
    let request: Request
    let parameters: [String: String]
    let query: [String: String]
    let requestID: String
    let logger: Logger
    let loopbackPeer: Bool
    let bodyLimit: Int
    /// The caller's role (nil on open endpoints).
    let role: APIRole?

    /// The value of a request header, by case-insensitive name.
    func header(_ name: String) -> String? {
        HTTPField.Name(name).flatMap { request.headers[$0] }
    }

    /// The request body, at most ``bodyLimit`` bytes.
    /// - Throws: `APIError` 413 `payload_too_large` past the limit.
    func body() async throws -> [UInt8] {
        if let length = header("Content-Length").flatMap(Int.init), length > bodyLimit {
            throw APIError.tooLarge(bodyLimit)
        }
        var bytes: [UInt8] = []
        for try await buffer in request.body {
            guard bytes.count + buffer.readableBytes <= bodyLimit else { throw APIError.tooLarge(bodyLimit) }
            bytes.append(contentsOf: buffer.readableBytesView)
        }
        return bytes
    }

    /// Decodes `a=1&b=x%20y` (later keys win).
    static func decodeQuery(_ query: String?) -> [String: String] {
        guard let query, !query.isEmpty else { return [:] }
        var out: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                let plus = s.replacingOccurrences(of: "+", with: " ")
                return plus.removingPercentEncoding ?? plus
            }
            out[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return out
    }
}

extension APIError {
    static func tooLarge(_ limit: Int) -> APIError {
        APIError(.contentTooLarge, "payload_too_large", "the request body is larger than \(limit) bytes")
    }
}
