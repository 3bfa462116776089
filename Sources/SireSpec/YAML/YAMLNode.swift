import SireCore

/// A YAML node with the place it was written: a scalar, a sequence or a mapping.
///
/// Positions are 1-based; `end` is the position just past the node (libyaml's end mark).
/// A node that an alias expanded to keeps the positions of the anchored node it copies.
public struct YAMLNode: Sendable, Hashable {
    /// What a node holds.
    public enum Kind: Sendable, Hashable {
        /// A scalar's text exactly as composed (escapes and folding applied) and its style.
        case scalar(String, ScalarStyle)
        /// Items in document order.
        case sequence([YAMLNode])
        /// Pairs in document order; a repeated key keeps only its first pair.
        case mapping([YAMLPair])
    }

    /// The node's content.
    public var kind: Kind
    /// Where the node starts (its anchor or tag, if it has one).
    public var start: SourcePosition
    /// The position just past the node.
    public var end: SourcePosition
    /// An explicit tag: `!!str` style shorthand for core tags, `!` for the non-specific tag,
    /// otherwise the tag as libyaml resolved it. Nil when the node has no tag.
    public var tag: String?

    /// Creates a node.
    public init(kind: Kind, start: SourcePosition, end: SourcePosition, tag: String? = nil) {
        self.kind = kind
        self.start = start
        self.end = end
        self.tag = tag
    }
}

extension YAMLNode {
    /// The scalar's text, or nil for a collection.
    public var scalar: String? {
        if case .scalar(let text, _) = kind { return text }
        return nil
    }

    /// The scalar's style, or nil for a collection.
    public var scalarStyle: ScalarStyle? {
        if case .scalar(_, let style) = kind { return style }
        return nil
    }

    /// The items of a sequence, or nil for any other node.
    public var sequence: [YAMLNode]? {
        if case .sequence(let items) = kind { return items }
        return nil
    }

    /// The pairs of a mapping, or nil for any other node.
    public var mapping: [YAMLPair]? {
        if case .mapping(let pairs) = kind { return pairs }
        return nil
    }

    /// The value for a scalar key of a mapping; nil when absent or when this is not a mapping.
    public subscript(key: String) -> YAMLNode? {
        pair(for: key)?.value
    }

    /// The pair whose key is the scalar `key`, so callers can point at the key itself.
    public func pair(for key: String) -> YAMLPair? {
        guard case .mapping(let pairs) = kind else { return nil }
        return pairs.first { $0.key.scalar == key }
    }
}
