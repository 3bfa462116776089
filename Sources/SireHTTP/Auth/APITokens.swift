import Crypto
import Foundation
import SireController

/// The bearer tokens the API accepts, each with a role.
///
/// Sources: a tokens file (`--tokens FILE`, mode 0600 or stricter: one `ROLE TOKEN` per line,
/// `#` comments and blank lines ignored) and the `SIRE_API_TOKENS` environment variable
/// (`role:token,role:token`). Tokens are checked by SHA-256 digest, a presented token compared
/// with every configured one in constant time; the values are kept only so that runs can redact
/// them. Tokens never appear in logs or errors.
package struct APITokens: Sendable {
    private var entries: [(role: APIRole, digest: [UInt8])] = []
    /// The configured tokens, for redaction from run output.
    package private(set) var values: [String] = []

    /// No tokens.
    package init() {}

    /// True when no token is configured (the API is then open to loopback clients only).
    package var isEmpty: Bool { entries.isEmpty }

    /// How many tokens are configured.
    package var count: Int { entries.count }

    /// Adds a token for a role.
    package mutating func add(_ token: String, role: APIRole) {
        entries.append((role, Array(SHA256.hash(data: Data(token.utf8)))))
        values.append(token)
    }

    /// The highest role among the configured tokens equal to `token`, or nil.
    package func role(of token: String) -> APIRole? {
        let digest = Array(SHA256.hash(data: Data(token.utf8)))
        var found: APIRole?
        // Every entry is compared, so the time does not tell which one matched.
        for entry in entries where ConstantTime.equal(entry.digest, digest) {
            found = max(found ?? entry.role, entry.role)
        }
        return found
    }

    /// Adds the tokens of `SIRE_API_TOKENS`-style text: `role:token,role:token`.
    /// - Throws: `HTTPConfigurationError` for an unknown role or an empty token (without
    ///   echoing the token).
    package mutating func add(environment text: String) throws(HTTPConfigurationError) {
        for (index, item) in text.split(separator: ",").enumerated() {
            let pair = item.trimmingCharacters(in: .whitespaces)
            guard let colon = pair.firstIndex(of: ":") else {
                throw HTTPConfigurationError("SIRE_API_TOKENS item \(index + 1): expected ROLE:TOKEN")
            }
            try add(
                roleName: String(pair[..<colon]), token: String(pair[pair.index(after: colon)...]),
                place: "SIRE_API_TOKENS item \(index + 1)")
        }
    }

    /// Adds the tokens of a tokens file: one `ROLE TOKEN` per line.
    /// - Throws: `HTTPConfigurationError` when the file is unreadable, readable by group or
    ///   others, or has a bad line (named by number, never quoted).
    package mutating func add(file path: String) throws(HTTPConfigurationError) {
        let attributes: [FileAttributeKey: Any]
        let data: Data
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw HTTPConfigurationError("cannot read the tokens file \(path): \(error.localizedDescription)")
        }
        if let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0 {
            throw HTTPConfigurationError(
                "the tokens file \(path) is readable by others (mode \(String(mode, radix: 8))): chmod 600 it")
        }
        let text = String(decoding: data, as: UTF8.self)
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count == 2 else {
                throw HTTPConfigurationError("\(path):\(index + 1): expected `ROLE TOKEN`")
            }
            try add(roleName: String(fields[0]), token: String(fields[1]), place: "\(path):\(index + 1)")
        }
    }

    private mutating func add(roleName: String, token: String, place: String) throws(HTTPConfigurationError) {
        guard let role = APIRole(rawValue: roleName.lowercased()) else {
            throw HTTPConfigurationError(
                "\(place): unknown role '\(roleName)' (use \(APIRole.allCases.map(\.rawValue).joined(separator: ", ")))"
            )
        }
        guard !token.isEmpty else { throw HTTPConfigurationError("\(place): the token is empty") }
        add(token, role: role)
    }
}
