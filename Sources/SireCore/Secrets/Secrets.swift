/// Secret values by name (`secrets.NAME` in templates), and the redaction that keeps them out
/// of everything sire-git stores or prints.
public struct Secrets: Sendable, Hashable {
    public private(set) var values: [String: String]
    /// Values that are redacted but cannot be named in a template (the controller's own
    /// credentials).
    private var unnamed: Set<String> = []
    /// Values to hide, longest first so a secret containing another is replaced whole.
    private var hidden: [String]

    /// What replaces a secret's value.
    public static let mask = "***"

    public init(_ values: [String: String] = [:]) {
        self.values = values
        hidden = Self.hidden(Set(values.values))
    }

    /// One- and two-character values would mask ordinary text everywhere.
    private static func hidden(_ values: Set<String>) -> [String] {
        values.filter { $0.count >= 3 }.sorted { $0.count > $1.count }
    }

    /// These secrets, also redacting `values` without making them available to templates.
    public func hiding(_ values: some Sequence<String>) -> Secrets {
        var out = self
        out.unnamed.formUnion(values)
        out.hidden = Self.hidden(out.unnamed.union(self.values.values))
        return out
    }

    /// Secrets from `SIRE_SECRET_<NAME>` variables of `environment`.
    public static func fromEnvironment(_ environment: [String: String]) -> Secrets {
        var values: [String: String] = [:]
        for (key, value) in environment where key.hasPrefix("SIRE_SECRET_") && key.count > "SIRE_SECRET_".count {
            values[String(key.dropFirst("SIRE_SECRET_".count))] = value
        }
        return Secrets(values)
    }

    /// These secrets plus `other`'s (other wins on a name clash).
    public func merging(_ other: Secrets) -> Secrets {
        Secrets(values.merging(other.values) { $1 }).hiding(unnamed.union(other.unnamed))
    }

    /// The `secrets` template context.
    public var context: Value {
        .object(values.mapValues(Value.string))
    }

    /// The `secrets` context of a run: only the secrets its workflow names.
    public func context(only names: Set<String>) -> Value {
        .object(values.filter { names.contains($0.key) }.mapValues(Value.string))
    }

    public var isEmpty: Bool { hidden.isEmpty }

    /// `text` with every secret value replaced by `***`.
    public func redact(_ text: String) -> String {
        guard !hidden.isEmpty else { return text }
        var out = text
        for secret in hidden where out.contains(secret) {
            out = out.split(separator: secret, omittingEmptySubsequences: false).joined(separator: Self.mask)
        }
        return out
    }

    /// For text that continues in a later piece: the redacted part that is safe to show now,
    /// and the raw tail to put in front of the next piece, long enough to hold the start of
    /// any secret that may straddle the cut.
    public func redactPrefix(_ text: String) -> (shown: String, held: String) {
        guard let longest = hidden.first?.unicodeScalars.count else { return (text, "") }
        let scalars = Array(text.unicodeScalars)
        var cut = max(0, scalars.count - (longest - 1))
        // Never cut through a secret that is already complete in the text.
        var moved = true
        while moved {
            moved = false
            for secret in hidden {
                let needle = Array(secret.unicodeScalars)
                var i = 0
                while i + needle.count <= scalars.count {
                    if i < cut, cut < i + needle.count, scalars[i..<(i + needle.count)].elementsEqual(needle) {
                        cut = i
                        moved = true
                    }
                    i += 1
                }
            }
        }
        var shown = String.UnicodeScalarView()
        shown.append(contentsOf: scalars[..<cut])
        var held = String.UnicodeScalarView()
        held.append(contentsOf: scalars[cut...])
        return (redact(String(shown)), String(held))
    }

    /// `value` with every string (keys included) redacted, and every number whose text holds
    /// a secret (a numeric token printed as JSON) replaced by the redacted text.
    public func redact(_ value: Value) -> Value {
        guard !hidden.isEmpty else { return value }
        switch value {
        case .string(let s): return .string(redact(s))
        case .int, .double:
            let text = value.jsonString()
            let redacted = redact(text)
            return redacted == text ? value : .string(redacted)
        case .array(let items): return .array(items.map(redact))
        case .object(let fields):
            var out: [String: Value] = [:]
            for (key, field) in fields { out[redact(key)] = redact(field) }
            return .object(out)
        default: return value
        }
    }
}
