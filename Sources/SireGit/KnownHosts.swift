import Crypto
import Foundation

/// An OpenSSH `known_hosts` file, read to decide whether an SSH server is who it claims to be.
///
/// Understands what OpenSSH writes and reads: comma-separated host patterns with `*` and `?`,
/// negated patterns (`!host`), `[host]:port` for a non-default port, hashed names
/// (`|1|salt|hash`, HMAC-SHA1 — what `HashKnownHosts yes` writes) and the `@revoked` marker.
/// `@cert-authority` lines are skipped: host certificates are not supported.
public struct KnownHosts: Sendable {
    struct Entry: Sendable {
        var line: Int
        var patterns: [String]
        var keyType: String
        var key: [UInt8]
        var revoked: Bool
    }

    /// Where the file was read from (for messages).
    public let path: String
    let entries: [Entry]

    /// What the file says of a host's key.
    public enum Verdict: Sendable, Equatable {
        /// A line lists this key for this host.
        case known(line: Int)
        /// No line names this host.
        case unknown
        /// Lines name this host, but with other keys: the first one's number, type and fingerprint.
        case changed(line: Int, keyType: String, fingerprint: String)
        /// The key is marked `@revoked`.
        case revoked(line: Int)
    }

    /// Reads `path`; a missing file is an empty one (every host is then unknown).
    /// - Throws: ``GitError`` when the file exists but cannot be read.
    public init(path: String) throws(GitError) {
        guard FileManager.default.fileExists(atPath: path) else {
            self.init(path: path, text: "")
            return
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GitError(
                code: .other, subject: "known hosts file '\(path)'", function: "KnownHosts",
                message: "cannot read the known hosts file '\(path)'")
        }
        self.init(path: path, text: String(decoding: data, as: UTF8.self))
    }

    /// Parses `text` as the content of `path`. Lines it cannot read are skipped, as OpenSSH does.
    public init(path: String, text: String) {
        self.path = path
        var entries: [Entry] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var fields = raw.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let first = fields.first, !first.hasPrefix("#") else { continue }
            var revoked = false
            if first.hasPrefix("@") {
                guard first == "@revoked" else { continue }
                revoked = true
                fields.removeFirst()
            }
            guard fields.count >= 3, let key = Data(base64Encoded: fields[2]) else { continue }
            entries.append(
                Entry(
                    line: index + 1, patterns: fields[0].split(separator: ",").map(String.init), keyType: fields[1],
                    key: Array(key), revoked: revoked))
        }
        self.entries = entries
    }

    /// How `host` on `port` is written in the file: `host`, or `[host]:port` when the port is not 22.
    public static func name(host: String, port: Int) -> String {
        port == 22 ? host : "[\(host)]:\(port)"
    }

    /// What the file says of `key` (the server's public key blob, as in the file's third
    /// field) for `host` on `port`.
    public func verdict(host: String, port: Int, key: [UInt8]) -> Verdict {
        let name = Self.name(host: host, port: port)
        let named = entries.filter { Self.matches(name, $0.patterns) }
        if let revoked = named.first(where: { $0.revoked && $0.key == key }) { return .revoked(line: revoked.line) }
        let listed = named.filter { !$0.revoked }
        if let known = listed.first(where: { $0.key == key }) { return .known(line: known.line) }
        if let other = listed.first {
            return .changed(line: other.line, keyType: other.keyType, fingerprint: Self.fingerprint(other.key))
        }
        return .unknown
    }

    /// OpenSSH's fingerprint of a key blob: `SHA256:` and the unpadded base64 of its digest.
    public static func fingerprint(_ key: [UInt8]) -> String {
        "SHA256:" + Data(SHA256.hash(data: key)).base64EncodedString().replacingOccurrences(of: "=", with: "")
    }

    /// The key type a blob names (its first SSH string, e.g. `ssh-ed25519`).
    public static func keyType(_ key: [UInt8]) -> String {
        guard key.count >= 4 else { return "unknown" }
        let length = key[0..<4].reduce(0) { $0 << 8 | Int($1) }
        guard length > 0, 4 + length <= key.count else { return "unknown" }
        return String(decoding: key[4..<(4 + length)], as: UTF8.self)
    }

    /// True when `name` matches the patterns: one positive match and no negated one.
    static func matches(_ name: String, _ patterns: [String]) -> Bool {
        var matched = false
        for pattern in patterns {
            if pattern.hasPrefix("|1|") {
                if hashedMatch(name, pattern) { matched = true }
            } else if pattern.hasPrefix("!") {
                if glob(String(pattern.dropFirst()).lowercased(), name.lowercased()) { return false }
            } else if glob(pattern.lowercased(), name.lowercased()) {
                matched = true
            }
        }
        return matched
    }

    /// `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`.
    static func hashedMatch(_ name: String, _ pattern: String) -> Bool {
        let parts = pattern.split(separator: "|", omittingEmptySubsequences: true)
        guard parts.count == 3, parts[0] == "1", let salt = Data(base64Encoded: String(parts[1])),
            let expected = Data(base64Encoded: String(parts[2]))
        else { return false }
        let code = HMAC<Insecure.SHA1>.authenticationCode(for: Data(name.utf8), using: SymmetricKey(data: salt))
        return Data(code) == expected
    }

    /// OpenSSH's wildcard match: `*` any run, `?` one character.
    static func glob(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.unicodeScalars)
        let t = Array(text.unicodeScalars)
        var (i, j) = (0, 0)
        var star: Int?
        var mark = 0
        while j < t.count {
            if i < p.count, p[i] == "?" || p[i] == t[j] {
                i += 1
                j += 1
            } else if i < p.count, p[i] == "*" {
                star = i
                mark = j
                i += 1
            } else if let s = star {
                i = s + 1
                mark += 1
                j = mark
            } else {
                return false
            }
        }
        while i < p.count, p[i] == "*" { i += 1 }
        return i == p.count
    }
}
