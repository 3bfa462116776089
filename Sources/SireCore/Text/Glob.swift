/// Path globs for push triggers: `*` matches within one path segment, `**` any number of
/// segments, `?` one character, `[abc]`/`[a-z]`/`[!a]` a character class.
public struct Glob: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    private let segments: [[Character]]

    /// Why `pattern` is not a usable glob, or nil.
    public static func problem(_ pattern: String) -> String? {
        if pattern.isEmpty { return "the pattern is empty" }
        if pattern.hasPrefix("/") { return "patterns are relative to the repository root: drop the leading '/'" }
        var inClass = false
        for c in pattern {
            if c == "[" { if inClass { return "'[' inside a character class" }; inClass = true }
            if c == "]" { inClass = false }
        }
        if inClass { return "unterminated character class '['" }
        for segment in pattern.split(separator: "/") where segment.contains("**") && segment != "**" {
            return "'**' must be a whole path segment, as in 'data/**/x.csv'"
        }
        return nil
    }

    public init?(_ pattern: String) {
        guard Self.problem(pattern) == nil else { return nil }
        self.pattern = pattern
        self.segments = pattern.split(separator: "/", omittingEmptySubsequences: true).map(Array.init)
    }

    public var description: String { pattern }

    /// Whether a repository-relative path matches.
    public func matches(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(Array.init)
        return Self.match(segments[...], parts[...])
    }

    private static func match(_ pattern: ArraySlice<[Character]>, _ path: ArraySlice<[Character]>) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        if first == ["*", "*"] {
            let rest = pattern.dropFirst()
            if rest.isEmpty { return true }
            var tail = path
            while true {
                if match(rest, tail) { return true }
                if tail.isEmpty { return false }
                tail = tail.dropFirst()
            }
        }
        guard let segment = path.first, matchSegment(first[...], segment[...]) else { return false }
        return match(pattern.dropFirst(), path.dropFirst())
    }

    private static func matchSegment(_ p: ArraySlice<Character>, _ s: ArraySlice<Character>) -> Bool {
        guard let c = p.first else { return s.isEmpty }
        switch c {
        case "*":
            var tail = s
            while true {
                if matchSegment(p.dropFirst(), tail) { return true }
                if tail.isEmpty { return false }
                tail = tail.dropFirst()
            }
        case "?":
            return !s.isEmpty && matchSegment(p.dropFirst(), s.dropFirst())
        case "[":
            guard let ch = s.first, let close = p.firstIndex(of: "]") else { return false }
            var set = p[(p.startIndex + 1)..<close]
            let negate = set.first == "!" || set.first == "^"
            if negate { set = set.dropFirst() }
            var hit = false
            var i = set.startIndex
            while i < set.endIndex {
                if i + 2 < set.endIndex, set[i + 1] == "-" {
                    if set[i] <= ch && ch <= set[i + 2] { hit = true }
                    i += 3
                } else {
                    if set[i] == ch { hit = true }
                    i += 1
                }
            }
            return hit != negate && matchSegment(p[(close + 1)...], s.dropFirst())
        default:
            return s.first == c && matchSegment(p.dropFirst(), s.dropFirst())
        }
    }
}
