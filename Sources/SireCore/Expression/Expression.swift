/// A parsed expression of the workflow language, e.g. `steps.fetch.output.status == 200`.
///
/// Every node carries its exact range of Unicode-scalar offsets, so validators and runtime
/// errors can point at the offending part of a workflow file.
///
/// The language, briefly:
/// - literals `null true false 42 1.5 'single' "double"` (escapes `\n \t \r \0 \\ \' \"
///   \uXXXX \u{X…}`), lists `[a, b]`, objects `{k: v, 'any key': w}`;
/// - paths `a.b[0]['k']`; a name after `.` may hold `-` and start with a digit, because step ids
///   do (`steps.fetch-data.output`): write `x.y - 1`, since `x.y-1` reads key `y-1`;
/// - Sire shorthand `.fetch.output` for `steps.fetch.output` and `.workflow.id` for
///   `workflow.id` (see `contextRoots`);
/// - `! -`, then `* / %`, `+ -`, `< <= > >= in`, `== !=`, `&&`, `||`, `c ? a : b`, tightest
///   first; `&&` and `||` short-circuit and yield an operand (`x || 'fallback'`);
/// - calls to the functions in `functions`.
public struct Expression: Sendable, Hashable {
    /// The text that was parsed (for a template part: the text between `{{` and `}}`).
    public let source: String
    /// The syntax tree.
    public let root: ExpressionNode
    /// Offset of `source`'s first scalar in the enclosing text; node ranges include it.
    public let baseOffset: Int

    /// Deepest nesting accepted: parentheses, operators, calls and paths all count.
    public static let maximumNesting = 64
    /// Longest expression accepted, in Unicode scalars.
    public static let maximumLength = 65_536

    /// The root names the workflow contexts provide (`repeat.until` adds `output`). A Sire
    /// shorthand `.NAME` that names one of these is that root; any other name is a step id.
    public static let contextRoots: Set<String> = [
        "inputs", "steps", "secrets", "git", "run", "workflow", "item", "index",
    ]

    init(source: String, root: ExpressionNode, baseOffset: Int) {
        self.source = source
        self.root = root
        self.baseOffset = baseOffset
    }

    /// Parses a bare expression (as written in `when:` or `repeat.until:`).
    ///
    /// - Parameter baseOffset: added to every offset, so an expression cut out of a larger
    ///   string reports positions in that string.
    /// - Throws: `ExpressionError` with the offending range on a syntax error, on nesting deeper
    ///   than `maximumNesting`, or on text longer than `maximumLength`.
    public static func parse(_ text: String, baseOffset: Int = 0) throws(ExpressionError)
        -> Expression
    {
        guard let scalars = boundedScalars(of: text, limit: maximumLength) else {
            throw ExpressionError(
                message: "expression is longer than \(maximumLength) characters",
                offset: baseOffset, length: 0)
        }
        var lexer = Lexer(scalars: scalars, start: 0, baseOffset: baseOffset)
        var parser = Parser(tokens: try lexer.tokenize())
        return Expression(source: text, root: try parser.parseAll(), baseOffset: baseOffset)
    }

    /// The text's scalars, or `nil` as soon as there are more than `limit`, so a huge string is
    /// refused without being copied.
    static func boundedScalars(of text: String, limit: Int) -> [Unicode.Scalar]? {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(min(text.utf8.count, limit))
        for scalar in text.unicodeScalars {
            if scalars.count == limit { return nil }
            scalars.append(scalar)
        }
        return scalars
    }
}
