import SireCore

/// Builds located nodes from libyaml's events without recursion, enforcing `YAMLLimits`.
///
/// Collections under construction live on an explicit stack, so nesting depth never reaches
/// the call stack; aliases are counted by the size of what they expand to, so an alias bomb
/// is refused after a few events.
struct YAMLTreeBuilder {
    let limits: YAMLLimits
    private(set) var problems: [YAMLProblem] = []
    private(set) var root: YAMLNode?
    /// Set by a problem that makes the tree unusable; the caller stops feeding events.
    private(set) var isFinished = false

    private var stack: [Frame] = []
    private var anchors: [String: Anchored] = [:]
    private var documentCount = 0
    private var nodeCount = 0
    private var aliasNodeCount = 0

    /// A node an anchor names, with what expanding it costs.
    private struct Anchored {
        var node: YAMLNode
        var size: Int
        var height: Int
    }

    /// A sequence or mapping whose end event has not arrived yet.
    private struct Frame {
        var isMapping: Bool
        var start: SourcePosition
        var tag: String?
        var anchor: String?
        var items: [YAMLNode] = []
        var pairs: [YAMLPair] = []
        var pendingKey: YAMLNode?
        /// The value that follows a rejected key (duplicate or merge) is composed, then dropped.
        var dropsValue = false
        /// Key text → index in `pairs`, built only once a mapping is large enough to need it.
        var keyIndex: [String: Int]?
        var size = 1
        var height = 1
    }

    private static let keyIndexThreshold = 16

    init(limits: YAMLLimits) {
        self.limits = limits
    }

    mutating func documentStart(at position: SourcePosition) {
        documentCount += 1
        if documentCount > 1 {
            report(
                .multipleDocuments,
                "a workflow file holds one YAML document; found another '---' document here",
                at: position)
            isFinished = true
        }
    }

    mutating func scalar(
        _ text: String, style: ScalarStyle, tag: String?, anchor: String?,
        start: SourcePosition, end: SourcePosition
    ) {
        let node = YAMLNode(kind: .scalar(text, style), start: start, end: end, tag: tag)
        if tag != nil, case .invalid(let expected) = YAMLCoreSchema.resolve(text, style: style, tag: tag) {
            report(.invalidTag, "'\(text)' is not a valid \(expected) for tag \(tag ?? "")", at: start)
        }
        guard count(nodes: 1, aliased: false, at: start) else { return }
        if let anchor { anchors[anchor] = Anchored(node: node, size: 1, height: 0) }
        add(node, size: 1, height: 0)
    }

    mutating func alias(_ anchor: String, start: SourcePosition, end: SourcePosition) {
        guard let anchored = anchors[anchor] else {
            let enclosing = stack.contains { $0.anchor == anchor }
            report(
                .unknownAlias,
                enclosing
                    ? "alias '*\(anchor)' refers to a node that contains it; recursive aliases are not supported"
                    : "alias '*\(anchor)' refers to no anchor '&\(anchor)' defined before it",
                at: start)
            add(YAMLNode(kind: .scalar("", .plain), start: start, end: end), size: 1, height: 0)
            return
        }
        guard stack.count + anchored.height <= limits.maxDepth else {
            fail(.depth, "alias '*\(anchor)' nests deeper than \(limits.maxDepth) levels", at: start)
            return
        }
        guard count(nodes: anchored.size, aliased: true, at: start) else { return }
        add(anchored.node, size: anchored.size, height: anchored.height)
    }

    mutating func collectionStart(isMapping: Bool, tag: String?, anchor: String?, start: SourcePosition) {
        guard stack.count < limits.maxDepth else {
            fail(.depth, "nesting is deeper than \(limits.maxDepth) levels", at: start)
            return
        }
        let misfits = ["!!str", "!!int", "!!float", "!!bool", "!!null", isMapping ? "!!seq" : "!!map"]
        if let tag, misfits.contains(tag) {
            report(.invalidTag, "a \(isMapping ? "mapping" : "sequence") cannot have tag \(tag)", at: start)
        }
        guard count(nodes: 1, aliased: false, at: start) else { return }
        stack.append(Frame(isMapping: isMapping, start: start, tag: tag, anchor: anchor))
    }

    mutating func collectionEnd(at end: SourcePosition) {
        guard let frame = stack.popLast() else { return }
        let kind: YAMLNode.Kind = frame.isMapping ? .mapping(frame.pairs) : .sequence(frame.items)
        let node = YAMLNode(kind: kind, start: frame.start, end: end, tag: frame.tag)
        if let anchor = frame.anchor {
            anchors[anchor] = Anchored(node: node, size: frame.size, height: frame.height)
        }
        add(node, size: frame.size, height: frame.height)
    }

    /// Records a syntax error (or any fatal problem) and drops the partial tree.
    mutating func fail(_ rule: YAMLRule, _ message: String, at position: SourcePosition) {
        report(rule, message, at: position)
        isFinished = true
        root = nil
        stack.removeAll()
    }

    /// The result, problems sorted by position (stable, so same-place problems keep their order).
    func result() -> YAMLDocumentResult {
        let sorted = problems.enumerated()
            .sorted { ($0.element.position, $0.offset) < ($1.element.position, $1.offset) }
            .map(\.element)
        return YAMLDocumentResult(root: root, problems: sorted)
    }

    private mutating func report(_ rule: YAMLRule, _ message: String, at position: SourcePosition) {
        problems.append(YAMLProblem(rule: rule, message: message, position: position))
    }

    /// Charges `nodes` to the budgets; false (and a fatal problem) when one is exceeded.
    private mutating func count(nodes: Int, aliased: Bool, at position: SourcePosition) -> Bool {
        nodeCount += nodes
        if aliased {
            aliasNodeCount += nodes
            if aliasNodeCount > limits.maxAliasNodes {
                fail(
                    .aliasBudget,
                    "aliases expand to more than \(limits.maxAliasNodes) nodes; refusing a possible alias bomb",
                    at: position)
                return false
            }
        }
        if nodeCount > limits.maxNodes {
            fail(.nodeBudget, "the document holds more than \(limits.maxNodes) nodes", at: position)
            return false
        }
        return true
    }

    private mutating func add(_ node: YAMLNode, size: Int, height: Int) {
        guard var frame = stack.popLast() else {
            root = node
            return
        }
        frame.size += size
        frame.height = max(frame.height, height + 1)
        if !frame.isMapping {
            frame.items.append(node)
        } else if let key = frame.pendingKey {
            if !frame.dropsValue {
                frame.pairs.append(YAMLPair(key: key, value: node))
                frame.keyIndex?[key.keyText] = frame.pairs.count - 1
                if frame.keyIndex == nil, frame.pairs.count == Self.keyIndexThreshold {
                    var index: [String: Int] = [:]
                    for (offset, pair) in frame.pairs.enumerated() where index[pair.key.keyText] == nil {
                        index[pair.key.keyText] = offset
                    }
                    frame.keyIndex = index
                }
            }
            frame.pendingKey = nil
            frame.dropsValue = false
        } else {
            frame.pendingKey = node
            frame.dropsValue = checkKey(node, in: frame)
        }
        stack.append(frame)
    }

    /// Reports a duplicate or merge key; true when its value must be dropped.
    private mutating func checkKey(_ key: YAMLNode, in frame: Frame) -> Bool {
        if key.scalar == "<<", key.scalarStyle == .plain, key.tag == nil {
            report(
                .mergeKey,
                "merge keys ('<<') are not supported; write the keys out or alias the whole mapping",
                at: key.start)
            return true
        }
        let text = key.keyText
        let first: YAMLPair?
        if let keyIndex = frame.keyIndex {
            first = keyIndex[text].map { frame.pairs[$0] }
        } else {
            first = frame.pairs.first { $0.key.keyText == text }
        }
        guard let first else { return false }
        report(
            .duplicateKey, "duplicate key '\(text)' (first defined at line \(first.key.start.line))",
            at: key.start)
        return true
    }
}
