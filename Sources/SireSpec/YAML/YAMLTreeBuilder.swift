import SireCore

/// Builds located nodes from libyaml's events without recursion, enforcing `YAMLLimits`.
///
/// Collections under construction live on an explicit stack, so nesting depth never reaches
/// the call stack; aliases are counted by the size of what they expand to, so an alias bomb
/// is refused after a few events. Children of open collections wait on one shared stack and
/// are moved into an exactly sized array when their collection ends.
struct YAMLTreeBuilder {
    let limits: YAMLLimits
    private(set) var problems: [YAMLProblem] = []
    private(set) var root: YAMLNode?
    /// Set by a problem that makes the tree unusable; the caller stops feeding events.
    private(set) var isFinished = false

    private var frames: [Frame] = []
    /// Children of every open collection, innermost last; a mapping's are key, value, key, ...
    private var children: [YAMLNode] = []
    private var anchors: [String: Anchored] = [:]
    private var documentCount = 0
    private var nodeCount = 0
    private var aliasNodeCount = 0

    /// Above this many pairs, duplicate keys are looked up in a dictionary instead of scanned.
    private static let keyIndexThreshold = 16

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
        /// Where this collection's children begin in `children`.
        var firstChild: Int
        /// The value after a rejected key (duplicate or merge) is composed, then dropped.
        var dropsValue = false
        /// Key text → index of the key in `children`, once the mapping is large.
        var keyIndex: [String: Int]?
        var size = 1
        var height = 1
    }

    init(limits: YAMLLimits) {
        self.limits = limits
        frames.reserveCapacity(16)
        children.reserveCapacity(64)
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
        if tag != nil,
            case .invalid(let expected) = YAMLCoreSchema.resolve(text, style: style, tag: tag)
        {
            report(
                .invalidTag, "'\(text)' is not a valid \(expected) for tag \(tag ?? "")", at: start)
        }
        guard count(nodes: 1, aliased: false, at: start) else { return }
        let node = YAMLNode(kind: .scalar(text, style), start: start, end: end, tag: tag)
        if let anchor { anchors[anchor] = Anchored(node: node, size: 1, height: 0) }
        add(node, size: 1, height: 0)
    }

    mutating func alias(_ anchor: String, start: SourcePosition, end: SourcePosition) {
        guard let anchored = anchors[anchor] else {
            let enclosing = frames.contains { $0.anchor == anchor }
            report(
                .unknownAlias,
                enclosing
                    ? "alias '*\(anchor)' refers to a node that contains it; recursive aliases are not supported"
                    : "alias '*\(anchor)' refers to no anchor '&\(anchor)' defined before it",
                at: start)
            add(YAMLNode(kind: .scalar("", .plain), start: start, end: end), size: 1, height: 0)
            return
        }
        guard frames.count + anchored.height <= limits.maxDepth else {
            fail(
                .depth, "alias '*\(anchor)' nests deeper than \(limits.maxDepth) levels", at: start)
            return
        }
        guard count(nodes: anchored.size, aliased: true, at: start) else { return }
        add(anchored.node, size: anchored.size, height: anchored.height)
    }

    mutating func collectionStart(
        isMapping: Bool, tag: String?, anchor: String?, start: SourcePosition
    ) {
        guard frames.count < limits.maxDepth else {
            fail(.depth, "nesting is deeper than \(limits.maxDepth) levels", at: start)
            return
        }
        let misfits = [
            "!!str", "!!int", "!!float", "!!bool", "!!null", isMapping ? "!!seq" : "!!map",
        ]
        if let tag, misfits.contains(tag) {
            report(
                .invalidTag, "a \(isMapping ? "mapping" : "sequence") cannot have tag \(tag)",
                at: start)
        }
        guard count(nodes: 1, aliased: false, at: start) else { return }
        frames.append(
            Frame(
                isMapping: isMapping, start: start, tag: tag, anchor: anchor,
                firstChild: children.count))
    }

    mutating func collectionEnd(at end: SourcePosition) {
        guard let frame = frames.popLast() else { return }
        let kind: YAMLNode.Kind
        if frame.isMapping {
            var pairs: [YAMLPair] = []
            pairs.reserveCapacity((children.count - frame.firstChild) / 2)
            var index = frame.firstChild
            while index + 1 < children.count {
                pairs.append(YAMLPair(key: children[index], value: children[index + 1]))
                index += 2
            }
            kind = .mapping(pairs)
        } else {
            kind = .sequence(Array(children[frame.firstChild...]))
        }
        children.removeSubrange(frame.firstChild...)
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
        frames.removeAll()
        children.removeAll()
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
        guard !frames.isEmpty else {
            root = node
            return
        }
        let top = frames.count - 1
        frames[top].size += size
        frames[top].height = max(frames[top].height, height + 1)
        guard frames[top].isMapping else {
            children.append(node)
            return
        }
        let isKey = (children.count - frames[top].firstChild) % 2 == 0
        if isKey && !frames[top].dropsValue {
            frames[top].dropsValue = rejectsKey(node, in: top)
            children.append(node)
        } else if frames[top].dropsValue {
            // The rejected key is still on top (its value's own children are gone by now).
            if !isKey { children.removeLast() }
            frames[top].dropsValue = false
        } else {
            children.append(node)
            indexLastPair(in: top)
        }
    }

    /// Reports a duplicate or merge key; true when it and its value must be dropped.
    private mutating func rejectsKey(_ key: YAMLNode, in frame: Int) -> Bool {
        if key.scalar == "<<", key.scalarStyle == .plain, key.tag == nil {
            report(
                .mergeKey,
                "merge keys ('<<') are not supported; write the keys out or alias the whole mapping",
                at: key.start)
            return true
        }
        let text = key.keyText
        var first: YAMLNode?
        if let index = frames[frame].keyIndex {
            first = index[text].map { children[$0] }
        } else {
            var index = frames[frame].firstChild
            while index < children.count {
                if children[index].keyText == text {
                    first = children[index]
                    break
                }
                index += 2
            }
        }
        guard let first else { return false }
        report(
            .duplicateKey, "duplicate key '\(text)' (first defined at line \(first.start.line))",
            at: key.start)
        return true
    }

    /// Keeps the key dictionary of a large mapping up to date after a pair is added.
    private mutating func indexLastPair(in frame: Int) {
        let firstChild = frames[frame].firstChild
        let keyPosition = children.count - 2
        if frames[frame].keyIndex != nil {
            frames[frame].keyIndex?[children[keyPosition].keyText] = keyPosition
        } else if (children.count - firstChild) / 2 == Self.keyIndexThreshold {
            var index: [String: Int] = [:]
            for position in stride(from: firstChild, to: children.count, by: 2) {
                index[children[position].keyText] = position
            }
            frames[frame].keyIndex = index
        }
    }
}
