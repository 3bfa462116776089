extension Workflow {
    /// The secrets the workflow names (`secrets.NAME` in any template or expression), found
    /// without evaluating: a run of it is given these and no others, and a change that starts
    /// using one is listed by `check` for a reviewer to see.
    public var secretNames: Set<String> {
        var names = Set<String>()
        for reference in references where reference.root == "secrets" {
            if let name = reference.second { names.insert(name) }
        }
        return names
    }

    /// Every path the workflow's templates and expressions read.
    private var references: [ExpressionReference] {
        var found: [ExpressionReference] = []
        for step in steps {
            found += step.params.references()
            if let foreach = step.foreach { found += foreach.references() }
            if let when = step.when { found += when.references() }
            if let policy = step.repeatPolicy { found += policy.until.references() }
        }
        return found
    }
}

extension TemplateValue {
    /// Every path the templates inside read.
    public func references() -> [ExpressionReference] {
        switch self {
        case .literal: []
        case .template(let template): template.references()
        case .array(let items): items.flatMap { $0.references() }
        case .object(let fields): fields.values.flatMap { $0.references() }
        }
    }
}
