/// What composing a YAML stream produced: the root node, if any, and every problem found.
public struct YAMLDocumentResult: Sendable, Hashable {
    /// The first document's root; nil for an empty stream or after a fatal problem
    /// (syntax error, depth or node budget exceeded).
    public var root: YAMLNode?
    /// Problems sorted by position.
    public var problems: [YAMLProblem]

    /// Creates a result.
    public init(root: YAMLNode?, problems: [YAMLProblem]) {
        self.root = root
        self.problems = problems
    }
}
