/// One lexical token of an expression, with its absolute scalar range.
struct Token: Hashable {
    enum Kind: Hashable {
        case integer(Int)
        case double(Double)
        case string(String)
        /// A bare word: an identifier, a keyword (`true`, `in`…) or a property name after `.`.
        case name(String)
        case symbol(Symbol)
        /// End of the expression: end of text, or the `}}` that closes a template part.
        case end
    }

    enum Symbol: String, Hashable {
        case leftParen = "(", rightParen = ")"
        case leftBracket = "[", rightBracket = "]"
        case leftBrace = "{", rightBrace = "}"
        case comma = ",", colon = ":", question = "?", dot = "."
        case not = "!", minus = "-", plus = "+", star = "*", slash = "/", percent = "%"
        case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
        case equal = "==", notEqual = "!="
        case and = "&&", or = "||"
    }

    var kind: Kind
    var range: Range<Int>

    /// How the token reads in an error message.
    var display: String {
        switch kind {
        case .integer(let number): "'\(number)'"
        case .double(let number): "'\(number)'"
        case .string: "string literal"
        case .name(let name): "'\(name)'"
        case .symbol(let symbol): "'\(symbol.rawValue)'"
        case .end: "end of expression"
        }
    }
}
