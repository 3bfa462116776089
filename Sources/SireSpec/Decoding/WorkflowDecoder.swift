import SireCore

/// Turns one workflow file's YAML into a `Workflow`, reporting every problem it finds.
///
/// Structural problems are found while decoding; cross-cutting ones (graph, references) by
/// `WorkflowChecker` afterwards, from the sites this decoder records.
package final class WorkflowDecoder {
    static let topLevelKeys = [
        "id", "name", "description", "inputs", "on", "concurrency", "catchup", "timeout",
        "max_parallel", "defaults", "steps", "edges",
    ]
    static let stepKeys = [
        "id", "name", "description", "tool", "params", "needs", "when", "retry", "timeout",
        "foreach", "max_parallel", "on_error", "recover", "repeat", "cache",
    ]
    static let retryKeys = ["max_attempts", "backoff", "initial_interval", "max_interval", "retry_on"]
    static let inputKeys = ["type", "default", "required", "enum", "description"]
    static let maxSteps = 1000

    let decoder: NodeDecoder
    let config: RepoConfig
    let defaultID: String

    /// Where each step was written, by index in `steps`.
    private(set) var stepNodes: [StepNodes] = []
    /// Every expression or template, with the scope it is evaluated in.
    private(set) var sites: [ExpressionSite] = []
    /// Nodes of `edges` entries, for locating unknown targets.
    private(set) var edgeNodes: [(from: (String, YAMLNode), to: (String, YAMLNode))] = []
    private(set) var inputsNode: YAMLNode?
    private(set) var idNode: YAMLNode?

    struct StepNodes {
        var node: YAMLNode
        var id: (String, YAMLNode)?
        var needs: [(String, YAMLNode)] = []
        var gotoTarget: (String, YAMLNode)?
        var recoverNode: YAMLNode?
    }

    init(decoder: NodeDecoder, config: RepoConfig, defaultID: String) {
        self.decoder = decoder
        self.config = config
        self.defaultID = defaultID
    }

    func decode(_ root: YAMLNode) -> Workflow? {
        guard let fields = decoder.fields(root, "a workflow", allowed: Self.topLevelKeys) else {
            return nil
        }
        var workflow = Workflow(id: defaultID)
        if let node = fields["id"] {
            idNode = node
            if let id = decoder.string(node, "id") {
                workflow.id = id
                if !Self.isValidID(id) {
                    decoder.report(
                        Rule.invalidID, node,
                        "workflow id '\(id)' must match [a-z0-9][a-z0-9_-]{0,62}")
                }
            }
        } else if !Self.isValidID(defaultID) {
            decoder.report(
                Rule.invalidID, root,
                "file name '\(defaultID)' is not a valid workflow id ([a-z0-9][a-z0-9_-]{0,62}); "
                    + "rename the file or set 'id'")
        }
        if let node = fields["name"] { workflow.name = decoder.string(node, "name") }
        if let node = fields["description"] { workflow.description = decoder.string(node, "description") }
        if let node = fields["inputs"] {
            inputsNode = node
            workflow.inputs = decodeInputs(node)
        }
        if let node = fields["on"] { workflow.triggers = decodeTriggers(node, inputs: workflow.inputs) }
        if let node = fields["concurrency"] { workflow.concurrency = decodeConcurrency(node) }
        if let node = fields["catchup"] { workflow.catchup = decodeCatchup(node) }
        if let node = fields["timeout"] { workflow.timeout = decoder.duration(node, "timeout") }
        if let node = fields["max_parallel"] {
            workflow.maxParallel = decoder.int(node, "max_parallel", min: 1, max: 10_000)
        }
        if let node = fields["defaults"] { workflow.defaults = decodeDefaults(node) }
        if let node = fields["steps"] {
            workflow.steps = decodeSteps(node)
        } else {
            decoder.report(Rule.missingKey, root, "a workflow needs 'steps'")
        }
        if let node = fields["edges"] { decodeEdges(node, into: &workflow) }
        return workflow
    }

    /// Whether `id` is a valid workflow id (`[a-z0-9][a-z0-9_-]{0,62}`).
    package static func isValidID(_ id: String) -> Bool {
        let scalars = Array(id.unicodeScalars)
        guard (1...63).contains(scalars.count) else { return false }
        func lowerDigit(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("0"..."9").contains(c) }
        return lowerDigit(scalars[0]) && scalars.dropFirst().allSatisfy { lowerDigit($0) || $0 == "_" || $0 == "-" }
    }

    /// Step ids are looser than workflow ids (Sire files use camelCase): a letter or digit, then
    /// letters, digits, `_` and `-`.
    static func isValidStepID(_ id: String) -> Bool {
        let scalars = Array(id.unicodeScalars)
        guard (1...64).contains(scalars.count), scalars.allSatisfy({ $0.isASCII }) else { return false }
        func alnum(_ c: Unicode.Scalar) -> Bool { c.properties.isAlphabetic || ("0"..."9").contains(c) }
        return alnum(scalars[0]) && scalars.allSatisfy { alnum($0) || $0 == "_" || $0 == "-" }
    }

    // MARK: inputs and triggers

    private func decodeInputs(_ node: YAMLNode) -> [InputSpec] {
        guard let entries = decoder.mapping(node, "inputs", allowed: nil) else { return [] }
        var inputs: [InputSpec] = []
        for entry in entries {
            if !Self.isValidStepID(entry.key) {
                decoder.report(
                    Rule.invalidID, entry.keyNode,
                    "input name '\(entry.key)' must start with a letter or digit and contain only letters, digits, '_' and '-'"
                )
            }
            var spec = InputSpec(name: entry.key)
            // Shorthand: `limit: integer`.
            if case .scalar = entry.value.kind {
                if let kind = decoder.choice(entry.value, "type of input '\(entry.key)'", InputSpec.Kind.self) {
                    spec.kind = kind
                }
                inputs.append(spec)
                continue
            }
            guard let fields = decoder.fields(entry.value, "input '\(entry.key)'", allowed: Self.inputKeys)
            else { continue }
            if let t = fields["type"], let kind = decoder.choice(t, "type of input '\(entry.key)'", InputSpec.Kind.self)
            {
                spec.kind = kind
            }
            if let r = fields["required"], let required = decoder.bool(r, "required") { spec.required = required }
            if let d = fields["description"] { spec.description = decoder.string(d, "description") }
            if let e = fields["enum"], let items = decoder.sequence(e, "enum of input '\(entry.key)'") {
                if items.isEmpty { decoder.report(Rule.invalidValue, e, "enum of input '\(entry.key)' is empty") }
                var allowed: [Value] = []
                for item in items {
                    if let problem = InputTypes.problem(item.value, kind: spec.kind) {
                        decoder.report(Rule.invalidInputDefault, item, "enum value of input '\(entry.key)' \(problem)")
                    } else {
                        allowed.append(InputTypes.coerce(item.value, kind: spec.kind))
                    }
                }
                spec.allowed = allowed
            }
            if let d = fields["default"] {
                let value = d.value
                if let problem = InputTypes.problem(value, kind: spec.kind) {
                    decoder.report(Rule.invalidInputDefault, d, "default of input '\(entry.key)' \(problem)")
                } else {
                    let coerced = InputTypes.coerce(value, kind: spec.kind)
                    if let allowed = spec.allowed, !allowed.contains(coerced) {
                        decoder.report(
                            Rule.invalidInputDefault, d,
                            "default of input '\(entry.key)' is \(coerced.jsonString()), which is not one of its enum values "
                                + allowed.map { $0.jsonString() }.joined(separator: ", "))
                    }
                    spec.defaultValue = coerced
                }
            }
            inputs.append(spec)
        }
        return inputs
    }

    private func decodeTriggers(_ node: YAMLNode, inputs: [InputSpec]) -> Triggers {
        var triggers = Triggers()
        guard let fields = decoder.fields(node, "on", allowed: ["schedule", "push", "http"]) else {
            return triggers
        }
        if let schedules = fields["schedule"] {
            // A single mapping is accepted as a one-entry list.
            let items: [YAMLNode]
            if case .mapping = schedules.kind {
                items = [schedules]
            } else {
                items = decoder.sequence(schedules, "on.schedule") ?? []
            }
            for item in items {
                if let schedule = decodeSchedule(item, inputs: inputs) { triggers.schedules.append(schedule) }
            }
        }
        if let push = fields["push"] {
            if case .null = push.value {
                triggers.push = PushTrigger()
            } else if let f = decoder.fields(push, "on.push", allowed: ["paths"]) {
                var trigger = PushTrigger()
                if let paths = f["paths"], let list = decoder.stringList(paths, "on.push.paths") {
                    for (glob, globNode) in list {
                        if let problem = Glob.problem(glob) {
                            decoder.report(Rule.invalidGlob, globNode, "invalid path pattern '\(glob)': \(problem)")
                        } else {
                            trigger.paths.append(glob)
                        }
                    }
                }
                triggers.push = trigger
            }
        }
        if let http = fields["http"] {
            switch http.value {
            case .null: triggers.http = true
            case .bool(let enabled): triggers.http = enabled
            default:
                if decoder.fields(http, "on.http", allowed: []) != nil { triggers.http = true }
            }
        }
        return triggers
    }

    private func decodeSchedule(_ node: YAMLNode, inputs: [InputSpec]) -> ScheduleTrigger? {
        // `- "0 2 * * *"` is accepted as shorthand for `- cron: "0 2 * * *"`.
        var fields: [String: YAMLNode]
        if case .scalar = node.kind {
            fields = ["cron": node]
        } else {
            guard let f = decoder.fields(node, "a schedule", allowed: ["cron", "timezone", "inputs"]) else {
                return nil
            }
            fields = f
        }
        guard let cronNode = fields["cron"] else {
            decoder.report(Rule.missingKey, node, "a schedule needs 'cron'")
            return nil
        }
        var result: ScheduleTrigger?
        if let text = decoder.string(cronNode, "cron") {
            do {
                result = ScheduleTrigger(cron: try CronSchedule.parse(text))
            } catch {
                decoder.report(
                    Rule.invalidCron, at: decoder.position(of: cronNode, offset: error.offset),
                    "invalid cron expression '\(text)': \(error.message)")
            }
        }
        if let tzNode = fields["timezone"], let tz = decoder.string(tzNode, "timezone") {
            if TimeZones.named(tz) == nil {
                let hint = Suggestion.hint(for: tz, in: TimeZones.knownIdentifiers)
                decoder.report(Rule.invalidTimeZone, tzNode, "unknown time zone '\(tz)'\(hint)")
                result = nil
            } else {
                result?.timeZone = tz
            }
        }
        var given: [String: Value] = [:]
        if let inputsNode = fields["inputs"], let entries = decoder.mapping(inputsNode, "schedule inputs", allowed: nil)
        {
            for entry in entries {
                guard let spec = inputs.first(where: { $0.name == entry.key }) else {
                    decoder.report(
                        Rule.invalidScheduleInputs, entry.keyNode,
                        "schedule sets undeclared input '\(entry.key)'"
                            + Suggestion.hint(for: entry.key, in: inputs.map(\.name)))
                    continue
                }
                if let problem = InputValidation.problem(entry.value.value, for: spec) {
                    decoder.report(Rule.invalidScheduleInputs, entry.value, "schedule input '\(entry.key)' \(problem)")
                    continue
                }
                given[entry.key] = InputTypes.coerce(entry.value.value, kind: spec.kind)
            }
        }
        for spec in inputs where spec.required && spec.defaultValue == nil && given[spec.name] == nil {
            decoder.report(
                Rule.invalidScheduleInputs, fields["inputs"] ?? node,
                "schedule does not set required input '\(spec.name)', which has no default")
        }
        result?.inputs = given
        return result
    }

    private func decodeConcurrency(_ node: YAMLNode) -> ConcurrencyPolicy? {
        // `concurrency: 1` is shorthand for `{ limit: 1 }`.
        if case .int = node.value, case .scalar = node.kind {
            return decoder.int(node, "concurrency", min: 1).map { ConcurrencyPolicy(limit: $0) }
        }
        guard let f = decoder.fields(node, "concurrency", allowed: ["limit", "policy"]) else { return nil }
        var policy = ConcurrencyPolicy()
        if let l = f["limit"] { policy.limit = decoder.int(l, "concurrency.limit", min: 1) }
        if let p = f["policy"], let overflow = decoder.choice(p, "concurrency.policy", ConcurrencyPolicy.Overflow.self)
        {
            policy.policy = overflow
        }
        return policy
    }

    private func decodeCatchup(_ node: YAMLNode) -> CatchupPolicy {
        guard let f = decoder.fields(node, "catchup", allowed: ["policy", "window"]) else { return CatchupPolicy() }
        var policy = CatchupPolicy()
        if let p = f["policy"], let mode = decoder.choice(p, "catchup.policy", CatchupPolicy.Mode.self) {
            policy.mode = mode
        }
        if let w = f["window"] { policy.window = decoder.duration(w, "catchup.window") }
        return policy
    }

    private func decodeDefaults(_ node: YAMLNode) -> StepDefaults {
        guard let f = decoder.fields(node, "defaults", allowed: ["retry", "timeout"]) else { return StepDefaults() }
        var defaults = StepDefaults()
        if let r = f["retry"] { defaults.retry = decodeRetry(r) }
        if let t = f["timeout"] { defaults.timeout = decoder.duration(t, "defaults.timeout") }
        return defaults
    }

    private func decodeRetry(_ node: YAMLNode) -> RetryPolicy? {
        // `retry: 3` is shorthand for `{ max_attempts: 3 }`.
        if case .int = node.value, case .scalar = node.kind {
            return decoder.int(node, "retry", min: 1, max: 1000).map { RetryPolicy(maxAttempts: $0) }
        }
        guard let f = decoder.fields(node, "retry", allowed: Self.retryKeys) else { return nil }
        var retry = RetryPolicy(maxAttempts: 3)
        if let n = f["max_attempts"], let value = decoder.int(n, "retry.max_attempts", min: 1, max: 1000) {
            retry.maxAttempts = value
        }
        if let b = f["backoff"] {
            // Sire files may give the first delay as the backoff (`backoff: 2s`): exponential from it.
            if case .string(let text) = b.value, RetryPolicy.Backoff(rawValue: text) == nil,
                let first = text.unicodeScalars.first, ("0"..."9").contains(first)
            {
                if let d = decoder.duration(b, "retry.backoff") { retry.initialInterval = d }
            } else if let kind = decoder.choice(b, "retry.backoff", RetryPolicy.Backoff.self) {
                retry.backoff = kind
            }
        }
        if let i = f["initial_interval"], let d = decoder.duration(i, "retry.initial_interval") {
            retry.initialInterval = d
        }
        if let m = f["max_interval"], let d = decoder.duration(m, "retry.max_interval") { retry.maxInterval = d }
        if let r = f["retry_on"], let on = decoder.choice(r, "retry.retry_on", RetryPolicy.RetryOn.self) {
            retry.retryOn = on
        }
        if retry.maxInterval < retry.initialInterval, let m = f["max_interval"] {
            decoder.report(
                Rule.invalidValue, m,
                "retry.max_interval (\(DurationText.format(retry.maxInterval))) is shorter than "
                    + "retry.initial_interval (\(DurationText.format(retry.initialInterval)))")
        }
        return retry
    }

    // MARK: steps

    private func decodeSteps(_ node: YAMLNode) -> [Step] {
        guard let items = decoder.sequence(node, "steps") else { return [] }
        if items.isEmpty {
            decoder.report(Rule.missingKey, node, "a workflow needs at least one step")
        }
        if items.count > Self.maxSteps {
            decoder.report(
                Rule.tooManySteps, items[Self.maxSteps],
                "a workflow may have at most \(Self.maxSteps) steps, this one has \(items.count)")
            return []
        }
        var steps: [Step] = []
        steps.reserveCapacity(items.count)
        for item in items {
            let index = steps.count
            var nodes = StepNodes(node: item)
            let step = decodeStep(item, index: index, nodes: &nodes)
            stepNodes.append(nodes)
            steps.append(step)
        }
        return steps
    }

    private func decodeStep(_ node: YAMLNode, index: Int, nodes: inout StepNodes) -> Step {
        var step = Step(id: "", tool: .local(""))
        guard let f = decoder.fields(node, "a step", allowed: Self.stepKeys) else { return step }
        if let idNode = f["id"], let id = decoder.string(idNode, "step id") {
            step.id = id
            nodes.id = (id, idNode)
            if !Self.isValidStepID(id) {
                decoder.report(
                    Rule.invalidID, idNode,
                    "step id '\(id)' must start with a letter or digit and contain only letters, digits, '_' and '-'")
            }
        } else if f["id"] == nil {
            decoder.report(Rule.missingKey, node, "step \(index + 1) needs an 'id'")
        }
        let label = step.id.isEmpty ? "step \(index + 1)" : "step '\(step.id)'"
        if let n = f["name"] { step.name = decoder.string(n, "name") }
        if let n = f["description"] { _ = decoder.string(n, "description") }
        if let toolNode = f["tool"] {
            if let uri = decoder.string(toolNode, "tool") { step.tool = decodeTool(uri, node: toolNode) ?? step.tool }
        } else {
            decoder.report(Rule.missingKey, node, "\(label) needs a 'tool'")
        }
        let hasForeach = f["foreach"] != nil
        if let p = f["params"] {
            var found: [TemplateSite] = []
            if case .null = p.value {
                step.params = .object([:])
            } else {
                if case .mapping = p.kind {
                } else {
                    decoder.report(
                        Rule.typeMismatch, p, "params of \(label) must be a mapping, got \(decoder.describe(p))")
                }
                step.params = decoder.templateValue(p, "params", sites: &found)
            }
            for site in found {
                sites.append(
                    ExpressionSite(
                        step: index, node: site.node, content: .template(site.template), allowsItem: hasForeach))
            }
        }
        if let n = f["needs"], let list = decoder.stringList(n, "needs") {
            nodes.needs = list
            step.needs = list.map(\.0)
        }
        if let w = f["when"], let expression = decoder.expression(w, "when") {
            step.when = expression
            sites.append(ExpressionSite(step: index, node: w, content: .expression(expression), allowsItem: false))
        }
        if let r = f["retry"] { step.retry = decodeRetry(r) }
        if let t = f["timeout"] { step.timeout = decoder.duration(t, "timeout") }
        if let e = f["foreach"] {
            var found: [TemplateSite] = []
            let value = decoder.templateValue(e, "foreach", sites: &found)
            switch value {
            case .template(let template) where !template.isSingleExpression:
                decoder.report(
                    Rule.typeMismatch, e,
                    "foreach must be a list or a single '{{ expression }}' giving a list")
            case .literal, .object:
                decoder.report(
                    Rule.typeMismatch, e, "foreach must be a list or a single '{{ expression }}' giving a list")
            default:
                step.foreach = value
            }
            for site in found {
                sites.append(
                    ExpressionSite(step: index, node: site.node, content: .template(site.template), allowsItem: false))
            }
        }
        if let m = f["max_parallel"] {
            step.maxParallel = decoder.int(m, "max_parallel", min: 1, max: 10_000)
            if !hasForeach {
                decoder.report(
                    Rule.invalidValue, m,
                    "max_parallel on a step limits a foreach fan-out, but \(label) has no foreach",
                    severity: .warning)
            }
        }
        if let o = f["on_error"] { step.onError = decodeOnError(o, nodes: &nodes) ?? .fail }
        if let r = f["recover"], let value = decoder.bool(r, "recover") {
            step.recover = value
            nodes.recoverNode = r
        }
        if let r = f["repeat"],
            let fields = decoder.fields(r, "repeat", allowed: ["until", "max_iterations", "interval"])
        {
            var until: Expression?
            if let u = fields["until"] {
                until = decoder.expression(u, "repeat.until")
                if let until {
                    sites.append(
                        ExpressionSite(
                            step: index, node: u, content: .expression(until), allowsItem: hasForeach,
                            allowsOutput: true))
                }
            } else {
                decoder.report(Rule.missingKey, r, "repeat needs 'until'")
            }
            var policy = until.map { RepeatPolicy(until: $0) }
            if let m = fields["max_iterations"], let n = decoder.int(m, "repeat.max_iterations", min: 1, max: 100_000) {
                policy?.maxIterations = n
            }
            if let i = fields["interval"], let d = decoder.duration(i, "repeat.interval") { policy?.interval = d }
            step.repeatPolicy = policy
        }
        if let c = f["cache"] {
            if let fields = decoder.fields(c, "cache", allowed: ["ttl"]) {
                if let t = fields["ttl"] {
                    if let ttl = decoder.duration(t, "cache.ttl") { step.cache = CachePolicy(ttl: ttl) }
                } else {
                    decoder.report(Rule.missingKey, c, "cache needs 'ttl'")
                }
            }
        }
        return step
    }

    private func decodeOnError(_ node: YAMLNode, nodes: inout StepNodes) -> ErrorPolicy? {
        if case .mapping = node.kind {
            guard let f = decoder.fields(node, "on_error", allowed: ["goto"]) else { return nil }
            guard let g = f["goto"] else {
                decoder.report(Rule.missingKey, node, "on_error as a mapping needs 'goto: STEP'")
                return nil
            }
            guard let target = decoder.string(g, "on_error.goto") else { return nil }
            nodes.gotoTarget = (target, g)
            return .goto(target)
        }
        guard let text = decoder.string(node, "on_error") else { return nil }
        switch text {
        case "fail": return .fail
        case "continue": return .continue
        default:
            decoder.report(
                Rule.invalidValue, node,
                "on_error must be fail, continue or { goto: STEP }, got '\(text)'"
                    + Suggestion.hint(for: text, in: ["fail", "continue"]))
            return nil
        }
    }

    private func decodeTool(_ uri: String, node: YAMLNode) -> ToolReference? {
        let tool: ToolReference
        do {
            tool = try ToolReference.parse(uri)
        } catch {
            decoder.report(Rule.invalidToolURI, at: decoder.position(of: node, offset: error.offset), error.message)
            return nil
        }
        switch tool {
        case .local(let name) where !ToolReference.builtins.contains(name):
            decoder.report(
                Rule.unknownBuiltin, at: decoder.position(of: node, offset: "sire:local/".count),
                "unknown built-in tool 'sire:local/\(name)'" + Suggestion.hint(for: name, in: ToolReference.builtins))
            return nil
        case .mcpServer(let server, _) where config.servers[server] == nil:
            let known = config.servers.keys.sorted()
            let where_ =
                known.isEmpty ? "sire.yaml declares no servers" : "sire.yaml declares \(known.joined(separator: ", "))"
            decoder.report(
                Rule.unknownServer, at: decoder.position(of: node, offset: "mcp://".count),
                "MCP server '\(server)' is not declared in sire.yaml (\(where_))"
                    + Suggestion.hint(for: server, in: known))
            return nil
        default:
            return tool
        }
    }

    private func decodeEdges(_ node: YAMLNode, into workflow: inout Workflow) {
        guard let items = decoder.sequence(node, "edges") else { return }
        for item in items {
            guard let f = decoder.fields(item, "an edge", allowed: ["from", "to"]) else { continue }
            guard let fromNode = f["from"], let toNode = f["to"] else {
                decoder.report(Rule.missingKey, item, "an edge needs 'from' and 'to'")
                continue
            }
            guard let from = decoder.string(fromNode, "edge from"), let to = decoder.string(toNode, "edge to") else {
                continue
            }
            edgeNodes.append(((from, fromNode), (to, toNode)))
            if let i = workflow.steps.firstIndex(where: { $0.id == to }), !workflow.steps[i].needs.contains(from) {
                workflow.steps[i].needs.append(from)
                stepNodes[i].needs.append((from, fromNode))
            }
        }
    }
}

/// A template or bare expression in a workflow, with the scope it is evaluated in.
struct ExpressionSite {
    enum Content {
        case template(Template)
        case expression(Expression)
    }

    /// Index of the step it belongs to.
    var step: Int
    var node: YAMLNode
    var content: Content
    /// `item` and `index` are in scope (params of a foreach step).
    var allowsItem: Bool
    /// `output` is in scope (`repeat.until`).
    var allowsOutput: Bool = false
}
