/// A string with `{{ expr }}` parts, as found in step params, `foreach` and config values.
///
/// A value that is exactly one template keeps the expression's type when rendered (a list
/// stays a list); otherwise every part is stringified and the result is a string.
public struct Template: Sendable, Hashable {
    /// One piece of a template, in source order.
    public enum Part: Sendable, Hashable {
        /// Literal text, copied as is.
        case text(String, range: Range<Int>)
        /// A `{{ … }}` part; `range` covers the braces, the expression's nodes only the inside.
        case expression(Expression, range: Range<Int>)
    }

    /// The whole template text.
    public let source: String
    /// The literal and expression parts, in order; empty for an empty string.
    public let parts: [Part]

    /// Longest template accepted, in Unicode scalars (the size limit of a workflow file).
    public static let maximumLength = 1_048_576

    /// Whether the whole value is one `{{ expr }}` with no text around it, so rendering keeps
    /// the expression's type.
    public var isSingleExpression: Bool {
        if parts.count == 1, case .expression = parts[0] { return true }
        return false
    }

    /// Whether the text has at least one `{{ expr }}` part.
    public var containsExpressions: Bool { !expressions.isEmpty }

    /// The parsed expressions, in order.
    public var expressions: [Expression] {
        parts.compactMap { part in
            if case .expression(let expression, _) = part { return expression }
            return nil
        }
    }

    /// Splits text into literal and `{{ expr }}` parts and parses each expression.
    ///
    /// Offsets (of errors and of every expression node) are scalar offsets in `text`, plus
    /// `baseOffset`. A `}}` inside a string literal or closing an object literal does not end
    /// the part, so `{{ '}}' }}` and `{{ {a: {b: 1}} }}` work.
    /// - Throws: `ExpressionError` for an unterminated `{{`, an empty `{{ }}`, a syntax error
    ///   in a part, or text longer than `maximumLength`.
    public static func parse(_ text: String, baseOffset: Int = 0) throws(ExpressionError)
        -> Template
    {
        guard let scalars = Expression.boundedScalars(of: text, limit: maximumLength) else {
            throw ExpressionError(
                message: "template is longer than \(maximumLength) characters", offset: baseOffset,
                length: 0)
        }
        var parts: [Part] = []
        var literalStart = 0
        var index = 0
        func flushLiteral(upTo end: Int) {
            if end > literalStart {
                let literal = String(String.UnicodeScalarView(scalars[literalStart..<end]))
                parts.append(
                    .text(literal, range: (baseOffset + literalStart)..<(baseOffset + end)))
            }
        }
        while index + 1 < scalars.count {
            guard scalars[index] == "{", scalars[index + 1] == "{" else {
                index += 1
                continue
            }
            flushLiteral(upTo: index)
            let (expression, end) = try parsePart(scalars, open: index, baseOffset: baseOffset)
            parts.append(.expression(expression, range: (baseOffset + index)..<(baseOffset + end)))
            index = end
            literalStart = end
        }
        flushLiteral(upTo: scalars.count)
        return Template(source: text, parts: parts)
    }

    private init(source: String, parts: [Part]) {
        self.source = source
        self.parts = parts
    }

    /// Parses the expression after the `{{` at `open`; returns it and the index past `}}`.
    private static func parsePart(_ scalars: [Unicode.Scalar], open: Int, baseOffset: Int)
        throws(ExpressionError) -> (Expression, Int)
    {
        let start = open + 2
        var lexer = Lexer(
            scalars: scalars, start: start, baseOffset: baseOffset, templateOpen: open)
        let tokens = try lexer.tokenize()
        let end = lexer.resumeIndex
        let whole = (baseOffset + open)..<(baseOffset + end)
        if tokens.count == 1 {
            throw ExpressionError(message: "empty expression in '{{ }}'", range: whole)
        }
        if end - 2 - start > Expression.maximumLength {
            throw ExpressionError(
                message: "expression is longer than \(Expression.maximumLength) characters",
                range: whole)
        }
        var parser = Parser(tokens: tokens)
        let root = try parser.parseAll()
        let source = String(String.UnicodeScalarView(scalars[start..<(end - 2)]))
        return (Expression(source: source, root: root, baseOffset: baseOffset + start), end)
    }
}

extension Template {
    /// Renders the template: a single expression keeps its type; otherwise the literal text and
    /// the stringified values (strings as is, anything else as JSON) are joined into a string.
    public func render(in context: EvaluationContext) throws(EvaluationError) -> Value {
        if isSingleExpression, case .expression(let expression, _) = parts[0] {
            return try expression.evaluate(in: context)
        }
        var output = ""
        for part in parts {
            switch part {
            case .text(let text, _):
                output += text
            case .expression(let expression, let range):
                output += try expression.evaluate(in: context).stringified
                if output.utf8.count > context.maximumResultSize {
                    throw EvaluationError(
                        message:
                            "rendered template is larger than \(context.maximumResultSize) bytes",
                        range: range)
                }
            }
        }
        return .string(output)
    }
}
