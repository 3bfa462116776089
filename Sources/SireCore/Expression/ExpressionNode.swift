/// One node of a parsed expression, with the exact span of source text it came from.
public struct ExpressionNode: Sendable, Hashable {
    /// What the node is.
    public indirect enum Kind: Sendable, Hashable {
        /// `null`, `true`, `42`, `1.5`, `'text'`.
        case literal(Value)
        /// `[a, b]`.
        case list([ExpressionNode])
        /// `{k: v, 'other key': w}`.
        case object([ObjectEntry])
        /// A root name such as `inputs` or `item`. The Sire shorthand `.fetch` produces a
        /// `steps` identifier whose range is the leading `.`.
        case identifier(String)
        /// `base.name`.
        case member(ExpressionNode, name: String, nameRange: Range<Int>)
        /// `base[index]`.
        case index(ExpressionNode, ExpressionNode)
        /// `!x`, `-x`.
        case unary(UnaryOperator, ExpressionNode)
        /// `a + b`, `a && b`, `a in b`…
        case binary(BinaryOperator, ExpressionNode, ExpressionNode)
        /// `condition ? then : otherwise`.
        case conditional(ExpressionNode, ExpressionNode, ExpressionNode)
        /// `name(arguments)`.
        case call(name: String, nameRange: Range<Int>, arguments: [ExpressionNode])
    }

    /// One `key: value` pair of an object literal.
    public struct ObjectEntry: Sendable, Hashable {
        /// The key, from a bare name or a string literal.
        public var key: String
        /// Where the key is written.
        public var keyRange: Range<Int>
        /// The value expression.
        public var value: ExpressionNode

        /// Creates an entry.
        public init(key: String, keyRange: Range<Int>, value: ExpressionNode) {
            self.key = key
            self.keyRange = keyRange
            self.value = value
        }
    }

    /// A prefix operator.
    public enum UnaryOperator: String, Sendable, Hashable {
        case not = "!"
        case negate = "-"
    }

    /// An infix operator.
    public enum BinaryOperator: String, Sendable, Hashable {
        case multiply = "*"
        case divide = "/"
        case remainder = "%"
        case add = "+"
        case subtract = "-"
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
        case contained = "in"
        case equal = "=="
        case notEqual = "!="
        case and = "&&"
        case or = "||"
    }

    /// What the node is.
    public var kind: Kind
    /// Scalar offsets of the node's text (parentheses around it included).
    public var range: Range<Int>
    /// Levels of nodes from this one down to its deepest leaf (a leaf is 1); the parser bounds
    /// it so evaluation and analysis can recurse without risking the stack.
    public let height: Int

    /// Creates a node; its height is derived from its children.
    public init(_ kind: Kind, range: Range<Int>) {
        self.kind = kind
        self.range = range
        self.height = 1 + (kind.children.map(\.height).max() ?? 0)
    }
}

extension ExpressionNode.Kind {
    /// The direct sub-expressions, in source order.
    public var children: [ExpressionNode] {
        switch self {
        case .literal, .identifier: []
        case .list(let items): items
        case .object(let entries): entries.map(\.value)
        case .member(let base, _, _): [base]
        case .index(let base, let index): [base, index]
        case .unary(_, let operand): [operand]
        case .binary(_, let left, let right): [left, right]
        case .conditional(let condition, let then, let otherwise): [condition, then, otherwise]
        case .call(_, _, let arguments): arguments
        }
    }
}
