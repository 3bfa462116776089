/// A function call found in an expression, for checking names and argument counts statically.
public struct ExpressionFunctionCall: Sendable, Hashable {
    /// The function name as written.
    public var name: String
    /// Where the name is written.
    public var nameRange: Range<Int>
    /// How many arguments are passed.
    public var argumentCount: Int
    /// The whole call, through the closing `)`.
    public var range: Range<Int>

    /// Creates a call record.
    public init(name: String, nameRange: Range<Int>, argumentCount: Int, range: Range<Int>) {
        self.name = name
        self.nameRange = nameRange
        self.argumentCount = argumentCount
        self.range = range
    }

    /// The accepted argument counts, or `nil` for an unknown function.
    public var arity: ClosedRange<Int>? { Expression.functions[name] }
}
