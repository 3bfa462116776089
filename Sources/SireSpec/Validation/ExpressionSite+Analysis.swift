import SireCore

/// One segment of a static path in an expression: its text and where it starts.
struct PathSegment {
    var name: String
    var offset: Int
}

/// A static path read by an expression (`steps.fetch.output`), as the checker needs it.
struct ReferencePath {
    var segments: [PathSegment]

    var root: PathSegment { segments[0] }

    /// The `i`-th segment (0 is the root), if the path has that many static segments.
    func field(_ i: Int) -> PathSegment? {
        i < segments.count ? segments[i] : nil
    }
}

extension ExpressionSite.Content {
    private var references: [ExpressionReference] {
        switch self {
        case .template(let template): template.references()
        case .expression(let expression): expression.references()
        }
    }

    var referencePaths: [ReferencePath] {
        references.map { reference in
            ReferencePath(
                segments: zip(reference.segments, reference.segmentRanges).map {
                    PathSegment(name: $0.0, offset: $0.1.lowerBound)
                })
        }
    }

    var functionCalls: [(name: String, argumentCount: Int, offset: Int)] {
        let calls: [ExpressionFunctionCall]
        switch self {
        case .template(let template): calls = template.functionCalls()
        case .expression(let expression): calls = expression.functionCalls()
        }
        return calls.map { ($0.name, $0.argumentCount, $0.nameRange.lowerBound) }
    }
}

/// The function table of the expression language, for the checker's messages.
enum ExpressionFunctions {
    static func arity(of name: String) -> ClosedRange<Int>? { Expression.functions[name] }
    static var names: [String] { Expression.functions.keys.sorted() }
}

extension Template {
    /// The expression of a template that is exactly one `{{ expr }}`.
    var singleExpression: Expression? {
        isSingleExpression ? expressions.first : nil
    }
}
