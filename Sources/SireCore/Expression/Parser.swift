/// Recursive-descent parser over a token list.
///
/// Both the recursion (`depth`) and the height of every node built are bounded by
/// `Expression.maximumNesting`, so hostile input such as ten thousand `(` or a
/// ten-thousand-term `a+a+a…` is refused with an error instead of overflowing the stack here
/// or later in evaluation.
struct Parser {
    private let tokens: [Token]
    private var position = 0
    private var depth = 0
    private let limit = Expression.maximumNesting

    /// Operator precedence, loosest first; every level is left-associative.
    private static let levels: [[(Token.Kind, ExpressionNode.BinaryOperator)]] = [
        [(.symbol(.or), .or)],
        [(.symbol(.and), .and)],
        [(.symbol(.equal), .equal), (.symbol(.notEqual), .notEqual)],
        [
            (.symbol(.less), .less), (.symbol(.lessEqual), .lessOrEqual),
            (.symbol(.greater), .greater), (.symbol(.greaterEqual), .greaterOrEqual),
            (.name("in"), .contained),
        ],
        [(.symbol(.plus), .add), (.symbol(.minus), .subtract)],
        [(.symbol(.star), .multiply), (.symbol(.slash), .divide), (.symbol(.percent), .remainder)],
    ]

    init(tokens: [Token]) {
        self.tokens = tokens
    }

    /// Parses the whole token list as one expression.
    mutating func parseAll() throws(ExpressionError) -> ExpressionNode {
        if current.kind == .end {
            throw ExpressionError(message: "empty expression", range: current.range)
        }
        let node = try parseExpression()
        guard current.kind == .end else {
            throw ExpressionError(
                message: "unexpected \(current.display) after the expression", range: current.range)
        }
        return node
    }

    private var current: Token { tokens[position] }

    private func peekKind(_ ahead: Int) -> Token.Kind {
        tokens[min(position + ahead, tokens.count - 1)].kind
    }

    private mutating func advance() -> Token {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    private mutating func expect(_ symbol: Token.Symbol, _ context: String) throws(ExpressionError)
        -> Token
    {
        guard current.kind == .symbol(symbol) else {
            throw ExpressionError(
                message: "expected '\(symbol.rawValue)' \(context), found \(current.display)",
                range: current.range)
        }
        return advance()
    }

    private func tooDeep(_ range: Range<Int>) -> ExpressionError {
        ExpressionError(message: "expression nesting exceeds \(limit) levels", range: range)
    }

    private func make(_ kind: ExpressionNode.Kind, _ range: Range<Int>) throws(ExpressionError)
        -> ExpressionNode
    {
        let node = ExpressionNode(kind, range: range)
        if node.height > limit { throw tooDeep(range) }
        return node
    }

    private mutating func parseExpression() throws(ExpressionError) -> ExpressionNode {
        depth += 1
        defer { depth -= 1 }
        if depth > limit { throw tooDeep(current.range) }
        let condition = try parseBinary(level: 0)
        guard current.kind == .symbol(.question) else { return condition }
        _ = advance()
        let then = try parseExpression()
        _ = try expect(.colon, "in conditional 'c ? a : b'")
        let otherwise = try parseExpression()
        return try make(
            .conditional(condition, then, otherwise),
            condition.range.lowerBound..<otherwise.range.upperBound)
    }

    private mutating func parseBinary(level: Int) throws(ExpressionError) -> ExpressionNode {
        guard level < Parser.levels.count else { return try parseUnary() }
        var left = try parseBinary(level: level + 1)
        while let match = Parser.levels[level].first(where: { $0.0 == current.kind }) {
            _ = advance()
            let right = try parseBinary(level: level + 1)
            left = try make(
                .binary(match.1, left, right), left.range.lowerBound..<right.range.upperBound)
        }
        return left
    }

    private mutating func parseUnary() throws(ExpressionError) -> ExpressionNode {
        let unary: ExpressionNode.UnaryOperator
        switch current.kind {
        case .symbol(.not): unary = .not
        case .symbol(.minus): unary = .negate
        default: return try parsePostfix()
        }
        let token = advance()
        depth += 1
        defer { depth -= 1 }
        if depth > limit { throw tooDeep(token.range) }
        let operand = try parseUnary()
        return try make(.unary(unary, operand), token.range.lowerBound..<operand.range.upperBound)
    }

    private mutating func parsePostfix() throws(ExpressionError) -> ExpressionNode {
        var node = try parsePrimary()
        while true {
            switch current.kind {
            case .symbol(.dot):
                _ = advance()
                guard case .name(let name) = current.kind else {
                    throw ExpressionError(
                        message: "expected a property name after '.', found \(current.display)",
                        range: current.range)
                }
                let nameToken = advance()
                node = try make(
                    .member(node, name: name, nameRange: nameToken.range),
                    node.range.lowerBound..<nameToken.range.upperBound)
            case .symbol(.leftBracket):
                _ = advance()
                let index = try parseExpression()
                let close = try expect(.rightBracket, "to close '['")
                node = try make(.index(node, index), node.range.lowerBound..<close.range.upperBound)
            case .symbol(.leftParen):
                throw ExpressionError(
                    message: "only functions can be called, e.g. len(x)", range: current.range)
            default:
                return node
            }
        }
    }

    private mutating func parsePrimary() throws(ExpressionError) -> ExpressionNode {
        let token = current
        switch token.kind {
        case .integer(let number):
            _ = advance()
            return try make(.literal(.int(number)), token.range)
        case .double(let number):
            _ = advance()
            return try make(.literal(.double(number)), token.range)
        case .string(let text):
            _ = advance()
            return try make(.literal(.string(text)), token.range)
        case .name(let name):
            return try parseName(name, token)
        case .symbol(.dot):
            return try parseShorthand()
        case .symbol(.leftParen):
            _ = advance()
            var inner = try parseExpression()
            let close = try expect(.rightParen, "to close '('")
            inner.range = token.range.lowerBound..<close.range.upperBound
            return inner
        case .symbol(.leftBracket):
            return try parseList()
        case .symbol(.leftBrace):
            return try parseObject()
        case .end:
            throw ExpressionError(message: "unexpected end of expression", range: token.range)
        case .symbol:
            throw ExpressionError(
                message: "expected an expression, found \(token.display)", range: token.range)
        }
    }

    private mutating func parseName(_ name: String, _ token: Token) throws(ExpressionError)
        -> ExpressionNode
    {
        switch name {
        case "true", "false", "null":
            _ = advance()
            let value: Value = name == "null" ? .null : .bool(name == "true")
            return try make(.literal(value), token.range)
        case "in":
            throw ExpressionError(message: "expected an expression, found 'in'", range: token.range)
        default:
            break
        }
        _ = advance()
        guard current.kind == .symbol(.leftParen) else {
            return try make(.identifier(name), token.range)
        }
        _ = advance()
        let (arguments, close) = try parseSequence(
            until: .rightParen, "to close the argument list of \(name)(")
        return try make(
            .call(name: name, nameRange: token.range, arguments: arguments),
            token.range.lowerBound..<close.range.upperBound)
    }

    /// Sire shorthand: `.fetch.output` is `steps.fetch.output`; `.workflow.id` is `workflow.id`.
    private mutating func parseShorthand() throws(ExpressionError) -> ExpressionNode {
        let dot = advance()
        guard case .name(let name) = current.kind else {
            throw ExpressionError(
                message: "expected a step id or context name after '.', found \(current.display)",
                range: current.range)
        }
        let nameToken = advance()
        if Expression.contextRoots.contains(name) {
            return try make(.identifier(name), dot.range.lowerBound..<nameToken.range.upperBound)
        }
        let steps = try make(.identifier("steps"), dot.range)
        return try make(
            .member(steps, name: name, nameRange: nameToken.range),
            dot.range.lowerBound..<nameToken.range.upperBound)
    }

    private mutating func parseList() throws(ExpressionError) -> ExpressionNode {
        let open = advance()
        let (items, close) = try parseSequence(until: .rightBracket, "to close '['")
        return try make(.list(items), open.range.lowerBound..<close.range.upperBound)
    }

    /// Comma-separated expressions up to a closing symbol; a trailing comma is allowed.
    private mutating func parseSequence(until closing: Token.Symbol, _ context: String)
        throws(ExpressionError) -> ([ExpressionNode], Token)
    {
        var items: [ExpressionNode] = []
        while current.kind != .symbol(closing) {
            items.append(try parseExpression())
            guard current.kind == .symbol(.comma) else { break }
            _ = advance()
        }
        return (items, try expect(closing, context))
    }

    private mutating func parseObject() throws(ExpressionError) -> ExpressionNode {
        let open = advance()
        var entries: [ExpressionNode.ObjectEntry] = []
        var seen: Set<String> = []
        while current.kind != .symbol(.rightBrace) {
            let keyToken = current
            let key: String
            switch keyToken.kind {
            case .name(let name): key = name
            case .string(let text): key = text
            default:
                throw ExpressionError(
                    message:
                        "expected an object key (a name or a string), found \(keyToken.display)",
                    range: keyToken.range)
            }
            guard seen.insert(key).inserted else {
                throw ExpressionError(
                    message: "duplicate key '\(key)' in object literal", range: keyToken.range)
            }
            _ = advance()
            _ = try expect(.colon, "after object key")
            let value = try parseExpression()
            entries.append(
                ExpressionNode.ObjectEntry(key: key, keyRange: keyToken.range, value: value))
            guard current.kind == .symbol(.comma) else { break }
            _ = advance()
        }
        let close = try expect(.rightBrace, "to close '{'")
        return try make(.object(entries), open.range.lowerBound..<close.range.upperBound)
    }
}
