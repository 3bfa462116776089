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
        var p = 0, s = 0
        var backtrack: (p: Int, s: Int)?
        while s < parts.count {
            if p < segments.count, segments[p] == .any {
                backtrack = (p, s)
                p += 1
            } else if p < segments.count, case .tokens(let tokens) = segments[p], Self.match(tokens, parts[s]) {
                p += 1
                s += 1
            } else if let point = backtrack {
                // Let the last `**` swallow one more segment and retry from there.
                backtrack = (point.p, point.s + 1)
                p = point.p + 1
                s = point.s + 1
            } else {
                return false
            }
        }
        while p < segments.count, segments[p] == .any { p += 1 }
        return p == segments.count
    }

    private static func match(_ tokens: [Token], _ text: [Character]) -> Bool {
        var t = 0, c = 0
        var backtrack: (t: Int, c: Int)?
        while c < text.count {
            if t < tokens.count, tokens[t] == .star {
                backtrack = (t, c)
                t += 1
            } else if t < tokens.count, matchOne(tokens[t], text[c]) {
                t += 1
                c += 1
            } else if let point = backtrack {
                backtrack = (point.t, point.c + 1)
                t = point.t + 1
                c = point.c + 1
            } else {
                return false
            }
        }
        while t < tokens.count, tokens[t] == .star { t += 1 }
        return t == tokens.count
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
