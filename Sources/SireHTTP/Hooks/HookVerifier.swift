import Crypto
import Foundation
import HTTPTypes
import SireCore

/// Authenticates a webhook and says which forge sent it and whether it concerns the tracked
/// branch. A hook that fails here never pokes the controller.
struct HookVerifier: Sendable {
    /// Who sent a verified hook.
    enum Sender: String, Sendable {
        case github, gitlab, generic, unsigned
    }

    /// What to do with a verified hook.
    enum Verdict: Sendable, Equatable {
        /// Poke the controller.
        case accept(Sender)
        /// Authentic but irrelevant (a ping, another event, another branch): nothing to do.
        case ignore(String)
    }

    let secrets: HookSecrets
    let branch: String

    /// Checks the hook's signature or token, then its event and ref.
    /// - Throws: `APIError` 401 when no supported signature is present or it does not match.
    func verify(headers: HTTPFields, body: [UInt8], loopbackPeer: Bool) throws(APIError) -> Verdict {
        let sender: Sender
        if let signature = headers[HTTPField.Name("X-Hub-Signature-256")!] {
            guard let key = secrets.github, Self.validHMAC(signature, body: body, key: key) else {
                throw APIError.unauthorized("the X-Hub-Signature-256 signature does not match")
            }
            sender = .github
        } else if let token = headers[HTTPField.Name("X-Gitlab-Token")!] {
            guard let secret = secrets.gitlab,
                ConstantTime.equal(
                    Array(SHA256.hash(data: Data(token.utf8))), Array(SHA256.hash(data: Data(secret.utf8))))
            else {
                throw APIError.unauthorized("the X-Gitlab-Token does not match")
            }
            sender = .gitlab
        } else if let signature = headers[HTTPField.Name("X-Sire-Signature")!] {
            guard let key = secrets.generic, Self.validHMAC(signature, body: body, key: key) else {
                throw APIError.unauthorized("the X-Sire-Signature signature does not match")
            }
            sender = .generic
        } else if secrets.isEmpty && loopbackPeer {
            sender = .unsigned
        } else {
            throw APIError.unauthorized(
                "a webhook needs X-Hub-Signature-256, X-Gitlab-Token or X-Sire-Signature: sha256=HMAC")
        }
        switch sender {
        case .github:
            let event = headers[HTTPField.Name("X-GitHub-Event")!] ?? "push"
            guard event == "push" else { return .ignore("GitHub event '\(event)'") }
        case .gitlab:
            let event = headers[HTTPField.Name("X-Gitlab-Event")!] ?? "Push Hook"
            guard event == "Push Hook" else { return .ignore("GitLab event '\(event)'") }
        case .generic, .unsigned:
            break
        }
        if let ref = Self.ref(in: body), ref != "refs/heads/\(branch)", ref != branch {
            return .ignore("a push to \(ref), not to the tracked branch \(branch)")
        }
        return .accept(sender)
    }

    /// Checks `sha256=HEX` against HMAC-SHA256(key, body), in constant time.
    static func validHMAC(_ header: String, body: [UInt8], key: String) -> Bool {
        guard header.hasPrefix("sha256="), let mac = hexBytes(header.dropFirst(7)), mac.count == 32 else {
            return false
        }
        return HMAC<SHA256>.isValidAuthenticationCode(
            mac, authenticating: body, using: SymmetricKey(data: Data(key.utf8)))
    }

    /// `sha256=HEX` for a body: what a sender puts in the header.
    static func signature(of body: [UInt8], key: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(key.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    private static func hexBytes(_ text: Substring) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The pushed ref of a push payload (JSON, or GitHub's form-encoded `payload=`), if any.
    static func ref(in body: [UInt8]) -> String? {
        var text = String(decoding: body, as: UTF8.self)
        if text.hasPrefix("payload=") {
            text = String(text.dropFirst(8)).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
        }
        guard case .object(let object)? = try? Value.parseJSON(text), case .string(let ref)? = object["ref"] else {
            return nil
        }
        return ref
    }
}
