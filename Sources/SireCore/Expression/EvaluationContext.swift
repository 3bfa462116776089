/// The root variables an expression can read: `inputs`, `steps`, `secrets`, `git`, `run`,
/// `workflow`, `item`, `index`, and `output` inside `repeat.until`.
public struct EvaluationContext: Sendable {
    /// Root name → value. A name that is absent reads as `null`.
    public var variables: [String: Value]
    /// Largest string (in UTF-8 bytes) or list (in elements) an operator, a function or a
    /// template may produce; bigger results are an error rather than an unbounded allocation.
    public var maximumResultSize: Int

    /// Creates a context from root variables.
    public init(variables: [String: Value] = [:], maximumResultSize: Int = 16 * 1024 * 1024) {
        self.variables = variables
        self.maximumResultSize = maximumResultSize
    }

    /// The value of a root variable, if set.
    public subscript(name: String) -> Value? {
        get { variables[name] }
        set { variables[name] = newValue }
    }
}
