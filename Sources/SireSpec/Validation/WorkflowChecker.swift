import SireCore

/// The checks that need the whole workflow: step ids, dependencies, the graph, and what every
/// expression refers to.
struct WorkflowChecker {
    static let contextRoots = ["inputs", "steps", "secrets", "git", "run", "workflow", "item", "index", "output"]
    static let stepFields = ["output", "status", "error", "attempts"]
    static let gitFields = ["sha", "short_sha", "ref", "message", "author"]
    static let runFields = ["id", "attempt", "trigger"]
    static let workflowFields = ["id", "name"]

    let decoder: NodeDecoder
    let workflow: Workflow
    let nodes: [WorkflowDecoder.StepNodes]
    let sites: [ExpressionSite]
    let edgeNodes: [(from: (String, YAMLNode), to: (String, YAMLNode))]

    func check() {
        checkShellTemplates()
        let ids = workflow.steps.map(\.id)
        var firstIndex: [String: Int] = [:]
        for (i, step) in workflow.steps.enumerated() where !step.id.isEmpty {
            if let first = firstIndex[step.id] {
                let node = nodes[i].id?.1 ?? nodes[i].node
                decoder.report(
                    Rule.duplicateStepID, node,
                    "duplicate step id '\(step.id)' (first defined at line \(nodes[first].id?.1.start.line ?? nodes[first].node.start.line))"
                )
            } else {
                firstIndex[step.id] = i
            }
        }
        let known = Set(ids.filter { !$0.isEmpty })
        for (i, step) in workflow.steps.enumerated() {
            for (name, node) in nodes[i].needs {
                if name == step.id {
                    decoder.report(Rule.selfDependency, node, "step '\(name)' cannot depend on itself")
                } else if !known.contains(name) {
                    decoder.report(
                        Rule.unknownStep, node,
                        "step '\(step.id)' needs unknown step '\(name)'" + Suggestion.hint(for: name, in: ids))
                }
            }
            if let (target, node) = nodes[i].gotoTarget {
                if target == step.id {
                    decoder.report(Rule.selfDependency, node, "step '\(target)' cannot be its own on_error handler")
                } else if !known.contains(target) {
                    decoder.report(
                        Rule.unknownStep, node,
                        "on_error goto names unknown step '\(target)'" + Suggestion.hint(for: target, in: ids))
                }
            }
        }
        for edge in edgeNodes {
            for (name, node) in [edge.from, edge.to] where !known.contains(name) {
                decoder.report(
                    Rule.unknownStep, node, "edge names unknown step '\(name)'" + Suggestion.hint(for: name, in: ids))
            }
        }
        let handlers = Set(nodes.compactMap { $0.gotoTarget?.0 })
        for (i, step) in workflow.steps.enumerated() where step.recover && !handlers.contains(step.id) {
            if let node = nodes[i].recoverNode {
                decoder.report(
                    Rule.unusedHandler, node,
                    "recover only matters on a step named by another step's on_error goto; no step names '\(step.id)'",
                    severity: .warning)
            }
        }

        // Self-dependencies are reported above; leaving them out keeps them from being
        // reported again as one-step cycles.
        let graph = WorkflowGraph(ids: ids, needs: workflow.steps.map { step in step.needs.filter { $0 != step.id } })
        if let cycle = graph.findCycle() {
            let names = cycle.map { ids[$0] }
            let node = nodes[cycle[0]].id?.1 ?? nodes[cycle[0]].node
            decoder.report(Rule.cycle, node, "dependency cycle: \(names.joined(separator: " → "))")
            // Ancestor checks are meaningless on a cyclic graph.
            checkReferences(ancestors: nil)
            return
        }
        // A handler runs after the step that jumps to it failed, so that step and its own
        // ancestors count as the handler's ancestors too.
        var extended = workflow.steps.map { step in step.needs.filter { $0 != step.id } }
        for (i, step) in workflow.steps.enumerated() {
            if case .goto(let target) = step.onError, let j = firstIndex[target] { extended[j].append(ids[i]) }
        }
        var ancestorGraph = WorkflowGraph(ids: ids, needs: extended)
        if let cycle = ancestorGraph.findCycle() {
            // Only a goto can close this loop (the plain graph is acyclic): report it at the
            // goto, and check references against plain dependencies instead.
            let names = cycle.map { ids[$0] }
            let closing = zip(cycle, cycle.dropFirst()).first { pair in
                if case .goto(let target) = workflow.steps[pair.0].onError { return target == ids[pair.1] }
                return false
            }
            let at = closing.flatMap { nodes[$0.0].gotoTarget?.1 } ?? nodes[cycle[0]].node
            decoder.report(
                Rule.cycle, at,
                "on_error goto closes a dependency cycle: \(names.joined(separator: " → ")); "
                    + "a handler cannot be one of the dependencies of the step that jumps to it")
            ancestorGraph = graph
        }
        let ancestors = workflow.steps.indices.map { Set(ancestorGraph.ancestors(of: $0).map { ids[$0] }) }
        checkReferences(ancestors: ancestors)
    }

    private func checkReferences(ancestors: [Set<String>]?) {
        let stepIDs = Set(workflow.steps.map(\.id))
        let inputNames = workflow.inputs.map(\.name)
        for site in sites {
            let selfID = workflow.steps[site.step].id
            func at(_ offset: Int) -> SourcePosition { decoder.position(of: site.node, offset: offset) }
            for call in site.content.functionCalls {
                guard let arity = ExpressionFunctions.arity(of: call.name) else {
                    decoder.report(
                        Rule.unknownFunction, at: at(call.offset),
                        "unknown function '\(call.name)'"
                            + Suggestion.hint(for: call.name, in: ExpressionFunctions.names))
                    continue
                }
                if !arity.contains(call.argumentCount) {
                    let wanted =
                        arity.lowerBound == arity.upperBound
                        ? "\(arity.lowerBound)" : "\(arity.lowerBound) to \(arity.upperBound)"
                    decoder.report(
                        Rule.functionArity, at: at(call.offset),
                        "\(call.name)() takes \(wanted) argument\(arity.upperBound == 1 ? "" : "s"), got \(call.argumentCount)"
                    )
                }
            }
            for path in site.content.referencePaths {
                let root = path.root
                switch root.name {
                case "inputs":
                    if let field = path.field(1), !inputNames.contains(field.name) {
                        let declared =
                            inputNames.isEmpty
                            ? "the workflow declares no inputs" : "declared: \(inputNames.joined(separator: ", "))"
                        decoder.report(
                            Rule.unknownInput, at: at(field.offset),
                            "unknown input '\(field.name)' (\(declared))"
                                + Suggestion.hint(for: field.name, in: inputNames))
                    }
                case "steps":
                    guard let target = path.field(1) else { continue }
                    if !stepIDs.contains(target.name) {
                        decoder.report(
                            Rule.unknownStepReference, at: at(target.offset),
                            "reference to unknown step '\(target.name)'"
                                + Suggestion.hint(for: target.name, in: workflow.steps.map(\.id)))
                        continue
                    }
                    if target.name == selfID {
                        decoder.report(
                            Rule.notAncestor, at: at(target.offset),
                            "step '\(selfID)' cannot refer to its own result"
                                + (site.allowsOutput ? "; in repeat.until use 'output'" : ""))
                        continue
                    }
                    if let ancestors, !ancestors[site.step].contains(target.name) {
                        decoder.report(
                            Rule.notAncestor, at: at(target.offset),
                            "step '\(selfID)' refers to step '\(target.name)', which is not one of its dependencies, "
                                + "so its result may not exist yet; add '\(target.name)' to needs")
                        continue
                    }
                    if let field = path.field(2), !Self.stepFields.contains(field.name) {
                        decoder.report(
                            Rule.unknownField, at: at(field.offset),
                            "steps.\(target.name) has no '\(field.name)'; use one of \(Self.stepFields.joined(separator: ", "))"
                                + Suggestion.hint(for: field.name, in: Self.stepFields))
                    }
                case "git", "run", "workflow":
                    let fields =
                        root.name == "git" ? Self.gitFields : root.name == "run" ? Self.runFields : Self.workflowFields
                    if let field = path.field(1), !fields.contains(field.name) {
                        decoder.report(
                            Rule.unknownField, at: at(field.offset),
                            "\(root.name) has no '\(field.name)'; use one of \(fields.joined(separator: ", "))"
                                + Suggestion.hint(for: field.name, in: fields))
                    }
                case "secrets":
                    // A run gets only the secrets its workflow names: the whole object, or one
                    // chosen at run time, would hand over every secret of the host.
                    if path.field(1) == nil {
                        decoder.report(
                            Rule.wholeSecrets, at: at(root.offset),
                            "'secrets' must be followed by a secret's name (secrets.NAME): a workflow is given "
                                + "only the secrets it names, not the whole object nor one chosen at run time")
                    }
                case "item", "index":
                    if !site.allowsItem {
                        decoder.report(
                            Rule.itemOutsideForeach, at: at(root.offset),
                            "'\(root.name)' is only defined in the params of a step with foreach")
                    }
                case "output":
                    if !site.allowsOutput {
                        decoder.report(
                            Rule.outputOutsideRepeat, at: at(root.offset), "'output' is only defined in repeat.until")
                    }
                default:
                    decoder.report(
                        Rule.unknownContext, at: at(root.offset),
                        "unknown name '\(root.name)'; expressions start from one of \(Self.contextRoots.joined(separator: ", "))"
                            + Suggestion.hint(for: root.name, in: Self.contextRoots))
                }
            }
        }
    }
}
