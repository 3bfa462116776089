extension Expression {
    /// Every path rooted at an identifier, in source order; see `ExpressionReference`.
    public func references() -> [ExpressionReference] {
        var found: [ExpressionReference] = []
        Expression.collectReferences(root, into: &found)
        return found.sorted {
            ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound)
        }
    }

    /// Every function call, in source order, known or not.
    public func functionCalls() -> [ExpressionFunctionCall] {
        var found: [ExpressionFunctionCall] = []
        Expression.collectCalls(root, into: &found)
        return found.sorted { $0.range.lowerBound < $1.range.lowerBound }
    }

    private static func collectCalls(
        _ node: ExpressionNode, into found: inout [ExpressionFunctionCall]
    ) {
        if case .call(let name, let nameRange, let arguments) = node.kind {
            found.append(
                ExpressionFunctionCall(
                    name: name, nameRange: nameRange, argumentCount: arguments.count,
                    range: node.range))
        }
        for child in node.kind.children { collectCalls(child, into: &found) }
    }

    private static func collectReferences(
        _ node: ExpressionNode, into found: inout [ExpressionReference]
    ) {
        guard let path = staticPath(node) else {
            for child in node.kind.children { collectReferences(child, into: &found) }
            return
        }
        found.append(
            ExpressionReference(
                segments: path.segments, segmentRanges: path.ranges, range: node.range,
                isComplete: path.complete))
        // Indexes inside the path may read other paths: `items[inputs.position]`.
        var link = node
        while true {
            switch link.kind {
            case .member(let base, _, _):
                link = base
            case .index(let base, let index):
                collectReferences(index, into: &found)
                link = base
            default:
                return
            }
        }
    }

    /// The static segments of a path rooted at an identifier, or `nil` if `node` is not one.
    private static func staticPath(_ node: ExpressionNode) -> (
        segments: [String], ranges: [Range<Int>], complete: Bool
    )? {
        switch node.kind {
        case .identifier(let name):
            return ([name], [node.range], true)
        case .member(let base, let name, let nameRange):
            guard var path = staticPath(base) else { return nil }
            if path.complete {
                path.segments.append(name)
                path.ranges.append(nameRange)
            }
            return path
        case .index(let base, let index):
            guard var path = staticPath(base) else { return nil }
            guard path.complete else { return path }
            switch index.kind {
            case .literal(.string(let key)):
                path.segments.append(key)
                path.ranges.append(index.range)
            case .literal(.int(let position)):
                path.segments.append(String(position))
                path.ranges.append(index.range)
            default:
                path.complete = false
            }
            return path
        default:
            return nil
        }
    }
}

extension Template {
    /// Every path read by the template's expressions, in source order.
    public func references() -> [ExpressionReference] {
        expressions.flatMap { $0.references() }
    }

    /// Every function call in the template's expressions, in source order.
    public func functionCalls() -> [ExpressionFunctionCall] {
        expressions.flatMap { $0.functionCalls() }
    }
}
