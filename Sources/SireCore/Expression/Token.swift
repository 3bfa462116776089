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
        case leftParen = "("
        case rightParen = ")"
        case leftBracket = "["
        case rightBracket = "]"
        case leftBrace = "{"
        case rightBrace = "}"
        case comma = ","
        case colon = ":"
        case question = "?"
        case dot = "."
        case not = "!"
        case minus = "-"
        case plus = "+"
        case star = "*"
        case slash = "/"
        case percent = "%"
        case less = "<"
        case lessEqual = "<="
        case greater = ">"
        case greaterEqual = ">="
        case equal = "=="
        case notEqual = "!="
        case and = "&&"
        case or = "||"
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
