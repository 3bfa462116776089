/// One key and its value in a YAML mapping; mappings keep their pairs in document order.
public struct YAMLPair: Sendable, Hashable {
    /// The key node, usually a scalar.
    public var key: YAMLNode
    /// The value node.
    public var value: YAMLNode

    /// Pairs a key with its value.
    public init(key: YAMLNode, value: YAMLNode) {
        self.key = key
        self.value = value
    }
}
