import Testing

@testable import SireCore

/// The step dependency graph: execution order, cycles, ancestors.
@Suite("Workflow graph")
struct WorkflowGraphTests {
    /// A graph from `id: needs` pairs, in file order.
    static func graph(_ steps: KeyValuePairs<String, [String]>) -> WorkflowGraph {
        WorkflowGraph(ids: steps.map(\.key), needs: steps.map(\.value))
    }

    static func names(_ graph: WorkflowGraph, _ indexes: [Int]?) -> [String]? {
        indexes.map { $0.map { graph.ids[$0] } }
    }

    // MARK: order

    @Test func independentStepsKeepFileOrder() {
        let g = Self.graph(["c": [], "a": [], "b": []])
        #expect(Self.names(g, g.topologicalOrder()) == ["c", "a", "b"])
    }

    @Test func dependenciesComeFirstEvenWhenWrittenLater() {
        let g = Self.graph(["report": ["shape"], "shape": ["fetch"], "fetch": []])
        #expect(Self.names(g, g.topologicalOrder()) == ["fetch", "shape", "report"])
    }

    @Test func diamondOrder() {
        let g = Self.graph(["fetch": [], "left": ["fetch"], "right": ["fetch"], "join": ["left", "right"]])
        #expect(Self.names(g, g.topologicalOrder()) == ["fetch", "left", "right", "join"])
    }

    @Test func orderIsDeterministic() {
        let steps: KeyValuePairs<String, [String]> = ["e": ["b"], "a": [], "d": ["a", "b"], "b": [], "c": ["a"]]
        let first = Self.graph(steps).topologicalOrder()
        for _ in 0..<20 { #expect(Self.graph(steps).topologicalOrder() == first) }
    }

    @Test func everyDependencyPrecedesItsDependent() throws {
        let g = Self.graph(["e": ["b"], "a": [], "d": ["a", "b"], "b": [], "c": ["a", "d"], "f": ["e", "c"]])
        let order = try #require(g.topologicalOrder())
        #expect(order.sorted() == Array(g.ids.indices))
        let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        for (step, deps) in g.dependencies.enumerated() {
            for dep in deps { #expect(position[dep]! < position[step]!, "\(g.ids[dep]) before \(g.ids[step])") }
        }
    }

    @Test func readyStepsRunInFileOrder() {
        // When several steps are ready at once, the one written first should come first: `b` is
        // ready from the start and written before `c`, which only becomes ready after `a`.
        let g = Self.graph(["a": [], "b": [], "c": ["a"]])
        #expect(Self.names(g, g.topologicalOrder()) == ["a", "b", "c"])

    }

    // MARK: edges

    @Test func unknownAndRepeatedNeedsAreIgnored() {
        let g = Self.graph(["a": [], "b": ["a", "ghost", "a"]])
        #expect(g.dependencies == [[], [0]])
        #expect(g.dependents == [[1], []])
        #expect(g.topologicalOrder() == [0, 1])
    }

    @Test func indexOfAndWorkflowInit() {
        let workflow = Workflow(
            id: "w",
            steps: [
                Step(id: "fetch", tool: .local("http.request")),
                Step(id: "shape", tool: .local("data.transform"), needs: ["fetch"]),
            ])
        let g = WorkflowGraph(workflow)
        #expect(g.ids == ["fetch", "shape"])
        #expect(g.index(of: "shape") == 1)
        #expect(g.index(of: "nope") == nil)
        #expect(g.dependents[0] == [1])
    }

    // MARK: cycles

    @Test func acyclicGraphHasNoCycle() {
        #expect(Self.graph(["a": [], "b": ["a"], "c": ["a", "b"]]).findCycle() == nil)
        #expect(Self.graph([:]).findCycle() == nil)
        #expect(Self.graph([:]).topologicalOrder() == [])
    }

    @Test func twoStepCycleStartsAtTheFirstWrittenStep() {
        let g = Self.graph(["x": [], "b": ["a"], "a": ["b"]])
        #expect(Self.names(g, g.findCycle()) == ["b", "a", "b"])
        #expect(g.topologicalOrder() == nil)
    }

    @Test func cycleReadsInExecutionOrder() {
        // a needs c, b needs a, c needs b: a runs before b, b before c, c before a.
        let g = Self.graph(["a": ["c"], "b": ["a"], "c": ["b"]])
        #expect(Self.names(g, g.findCycle()) == ["a", "b", "c", "a"])
    }

    @Test func cycleNotReachableFromTheFirstStepIsFound() {
        let g = Self.graph(["start": [], "mid": ["start"], "p": ["q", "mid"], "q": ["p"]])
        #expect(Self.names(g, g.findCycle()) == ["p", "q", "p"])
    }

    @Test func selfLoopIsACycle() {
        let g = Self.graph(["a": [], "b": ["b"]])
        #expect(Self.names(g, g.findCycle()) == ["b", "b"])
        #expect(g.topologicalOrder() == nil)
    }

    @Test func longChainDoesNotOverflowTheStack() throws {
        let count = 1000
        let ids = (0..<count).map { "s\($0)" }
        let needs = (0..<count).map { $0 == 0 ? [String]() : ["s\($0 - 1)"] }
        let chain = WorkflowGraph(ids: ids, needs: needs)
        #expect(chain.findCycle() == nil)
        #expect(chain.topologicalOrder() == Array(0..<count))
        #expect(chain.ancestors(of: count - 1) == Set(0..<(count - 1)))
        // Closing the chain makes one cycle through every step.
        var closed = needs
        closed[0] = ["s\(count - 1)"]
        let cycle = try #require(WorkflowGraph(ids: ids, needs: closed).findCycle())
        #expect(cycle == Array(0..<count) + [0])
    }

    @Test func longChainWrittenBackwardsDoesNotOverflowTheStack() {
        // Written last-first, so a depth-first walk from the first step goes 10,000 deep.
        let count = 10_000
        let ids = (0..<count).map { "s\($0)" }
        let needs = (0..<count).map { $0 == count - 1 ? [String]() : ["s\($0 + 1)"] }
        let g = WorkflowGraph(ids: ids, needs: needs)
        #expect(g.findCycle() == nil)
        #expect(g.topologicalOrder() == Array((0..<count).reversed()))
        #expect(g.ancestors(of: 0).count == count - 1)
    }

    // MARK: ancestors

    @Test func ancestorsAreTransitiveDependenciesOnly() {
        let g = Self.graph(["a": [], "b": ["a"], "c": ["b"], "d": ["a"], "e": ["c", "d"]])
        #expect(Self.names(g, g.ancestors(of: 2).sorted()) == ["a", "b"])
        #expect(Self.names(g, g.ancestors(of: 4).sorted()) == ["a", "b", "c", "d"])
        #expect(g.ancestors(of: 0).isEmpty)
        // Siblings and dependents are not ancestors.
        #expect(!g.ancestors(of: 3).contains(1))
        #expect(!g.ancestors(of: 1).contains(2))
    }
}
