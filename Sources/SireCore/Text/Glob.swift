/// Path globs for push triggers: `*` matches within one path segment, `**` any number of
/// segments (at the end: at least one, so `data/**` is everything inside `data/`), `?` one
/// character, `[abc]`/`[a-z]`/`[!a]` a character class.
///
/// Matching is greedy with a single backtrack point, at the segment level and within a
/// segment, so it takes time proportional to pattern × path at worst, never exponential.
public struct Glob: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    private let segments: [Segment]

    private enum Segment: Hashable {
        /// `**`: any number of whole segments.
        case any
        case tokens([Token])
    }

    private enum Token: Hashable {
        case star
        case one
        case character(Character)
        case set([ClosedRange<Character>], negated: Bool)
    }

    /// Why `pattern` is not a usable glob, or nil.
    public static func problem(_ pattern: String) -> String? {
        if pattern.isEmpty { return "the pattern is empty" }
        if pattern.hasPrefix("/") { return "patterns are relative to the repository root: drop the leading '/'" }
        var inClass = false
        for c in pattern {
            if c == "[" {
                if inClass { return "'[' inside a character class" }
                inClass = true
            }
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
        var segments: [Segment] = pattern.split(separator: "/").map { part in
            part == "**" ? .any : .tokens(Self.tokens(part))
        }
        // A trailing `**` means "inside": one segment, then any number more.
        if segments.count > 1, segments.last == .any {
            segments.insert(.tokens([.star]), at: segments.count - 1)
        }
        self.segments = segments
    }

    public var description: String { pattern }

    /// Whether a repository-relative path matches.
    public func matches(_ path: String) -> Bool {
        let parts = path.split(separator: "/").map { Array($0) }
        return Self.wildcardMatch(segments, parts, isStar: { $0 == .any }) { segment, part in
            guard case .tokens(let tokens) = segment else { return false }
            return Self.wildcardMatch(tokens, part, isStar: { $0 == .star }, matchOne: Self.matchOne)
        }
    }

    /// Wildcard matching, greedy with a single backtrack point: a star swallows as little as
    /// possible, and on a mismatch the last star takes one more element. Used for `**` over
    /// path segments and for `*` over a segment's characters.
    private static func wildcardMatch<P, T>(
        _ pattern: [P], _ text: [T], isStar: (P) -> Bool, matchOne: (P, T) -> Bool
    ) -> Bool {
        var p = 0, t = 0
        var backtrack: (p: Int, t: Int)?
        while t < text.count {
            if p < pattern.count, isStar(pattern[p]) {
                backtrack = (p, t)
                p += 1
            } else if p < pattern.count, matchOne(pattern[p], text[t]) {
                p += 1
                t += 1
            } else if let point = backtrack {
                backtrack = (point.p, point.t + 1)
                p = point.p + 1
                t = point.t + 1
            } else {
                return false
            }
        }
        while p < pattern.count, isStar(pattern[p]) { p += 1 }
        return p == pattern.count
    }

    private static func matchOne(_ token: Token, _ c: Character) -> Bool {
        switch token {
        case .star: return false
        case .one: return true
        case .character(let expected): return c == expected
        case .set(let ranges, let negated): return ranges.contains { $0.contains(c) } != negated
        }
    }

    private static func tokens(_ segment: Substring) -> [Token] {
        var out: [Token] = []
        var i = segment.startIndex
        while i < segment.endIndex {
            let c = segment[i]
            switch c {
            case "*":
                // Runs of `*` within a segment mean the same as one.
                if out.last != .star { out.append(.star) }
                i = segment.index(after: i)
            case "?":
                out.append(.one)
                i = segment.index(after: i)
            case "[":
                let close = segment[i...].firstIndex(of: "]")!
                var body = Array(segment[segment.index(after: i)..<close])
                let negated = body.first == "!" || body.first == "^"
                if negated { body.removeFirst() }
                var ranges: [ClosedRange<Character>] = []
                var k = 0
                while k < body.count {
                    if k + 2 < body.count, body[k + 1] == "-", body[k] <= body[k + 2] {
                        ranges.append(body[k]...body[k + 2])
                        k += 3
                    } else {
                        ranges.append(body[k]...body[k])
                        k += 1
                    }
                }
                out.append(.set(ranges, negated: negated))
                i = segment.index(after: close)
            default:
                out.append(.character(c))
                i = segment.index(after: i)
            }
        }
        return out
    }
}
