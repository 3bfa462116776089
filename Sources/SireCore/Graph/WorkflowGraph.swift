/// The dependency graph of a workflow's steps: edges point from a dependency to its dependent.
///
/// Step ids are mapped to dense indexes so the engine and the validator work on arrays.
public struct WorkflowGraph: Sendable, Hashable {
    /// Step ids in file order; a step's index is its position here.
    public let ids: [String]
    /// `dependencies[i]`: indexes of the steps step `i` needs, in declaration order, unique.
    public let dependencies: [[Int]]
    /// `dependents[i]`: indexes of the steps that need step `i`.
    public let dependents: [[Int]]
    /// Index by step id (the first step, when ids repeat).
    private let positions: [String: Int]

    /// Builds the graph; `needs` naming unknown steps are ignored (the validator reports them).
    public init(ids: [String], needs: [[String]]) {
        precondition(ids.count == needs.count)
        self.ids = ids
        var index: [String: Int] = [:]
        for (i, id) in ids.enumerated() where index[id] == nil { index[id] = i }
        var dependencies: [[Int]] = Array(repeating: [], count: ids.count)
        var dependents: [[Int]] = Array(repeating: [], count: ids.count)
        for (i, list) in needs.enumerated() {
            var seen = Set<Int>()
            for name in list {
                guard let j = index[name], seen.insert(j).inserted else { continue }
                dependencies[i].append(j)
                dependents[j].append(i)
            }
        }
        self.dependencies = dependencies
        self.dependents = dependents
        self.positions = index
    }

    /// Builds the graph of a workflow's steps.
    public init(_ workflow: Workflow) {
        self.init(ids: workflow.steps.map(\.id), needs: workflow.steps.map(\.needs))
    }

    /// The index of a step id.
    public func index(of id: String) -> Int? {
        positions[id]
    }

    /// A cycle as a closed path of indexes (`a → b → a`), or nil when the graph is acyclic.
    /// Iterative, so a 1,000-step chain cannot overflow the stack.
    public func findCycle() -> [Int]? {
        // 0 = unvisited, 1 = on the current path, 2 = done.
        var state = Array(repeating: 0, count: ids.count)
        for start in ids.indices where state[start] == 0 {
            var stack: [(node: Int, next: Int)] = [(start, 0)]
            state[start] = 1
            while let top = stack.last {
                let deps = dependencies[top.node]
                if top.next < deps.count {
                    stack[stack.count - 1].next += 1
                    let child = deps[top.next]
                    if state[child] == 1 {
                        // The path from `child` to `top` plus the closing edge is the cycle;
                        // reversed so it reads in execution order (dependency first).
                        let path = stack.map(\.node)
                        let from = path.firstIndex(of: child)!
                        var cycle = Array(path[from...].reversed())
                        // Start at the step written first, so the message is stable.
                        let first = cycle.indices.min { cycle[$0] < cycle[$1] }!
                        cycle = Array(cycle[first...] + cycle[..<first])
                        return cycle + [cycle[0]]
                    }
                    if state[child] == 0 {
                        state[child] = 1
                        stack.append((child, 0))
                    }
                } else {
                    state[top.node] = 2
                    stack.removeLast()
                }
            }
        }
        return nil
    }

    /// Steps in an order where every dependency comes first (Kahn, stable by file order);
    /// nil when there is a cycle.
    public func topologicalOrder() -> [Int]? {
        var remaining = dependencies.map(\.count)
        // Kept sorted descending, so the step written first is always taken next.
        var ready = ids.indices.filter { remaining[$0] == 0 }.reversed().map { $0 }
        var order: [Int] = []
        order.reserveCapacity(ids.count)
        while let node = ready.popLast() {
            order.append(node)
            for next in dependents[node] {
                remaining[next] -= 1
                if remaining[next] == 0 {
                    let at = ready.firstIndex { $0 < next } ?? ready.endIndex
                    ready.insert(next, at: at)
                }
            }
        }
        return order.count == ids.count ? order : nil
    }

    /// Every step that must finish before step `i` can start (its transitive dependencies).
    public func ancestors(of i: Int) -> Set<Int> {
        var seen = Set<Int>()
        var stack = dependencies[i]
        while let node = stack.popLast() {
            if seen.insert(node).inserted { stack.append(contentsOf: dependencies[node]) }
        }
        return seen
    }
}
