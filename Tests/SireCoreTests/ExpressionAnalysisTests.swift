import Testing

@testable import SireCore

@Suite("Expression analysis")
struct ExpressionAnalysisTests {
    @Test(
        arguments: [
            ("steps.fetch.output.status == 200", [["steps", "fetch", "output", "status"]]),
            ("a.b[0]['k']", [["a", "b", "0", "k"]]),
            ("items[inputs.position].name", [["items"], ["inputs", "position"]]),
            (
                "len(steps.a.output) + default(inputs.x, git.sha)",
                [["steps", "a", "output"], ["inputs", "x"], ["git", "sha"]]
            ),
            (".fetch.output.x", [["steps", "fetch", "output", "x"]]),
            (".workflow.id", [["workflow", "id"]]),
            ("{k: item, l: [index]}", [["item"], ["index"]]),
            ("1 + 2", []),
            ("fromJSON(s).x", [["s"]]),
            ("cond ? run.id : secrets.TOKEN", [["cond"], ["run", "id"], ["secrets", "TOKEN"]]),
        ] as [(String, [[String]])])
    func findsEveryRootedPath(text: String, expected: [[String]]) throws {
        #expect(try Expression.parse(text).references().map(\.segments) == expected)
    }

    @Test func referencesCarryRootAndSecondSegmentRanges() throws {
        let text = "x || steps.fetch.output.items[i].name"
        let references = try Expression.parse(text).references()
        #expect(references.count == 3)
        let path = references[1]
        #expect(path.root == "steps")
        #expect(slice(text, path.rootRange) == "steps")
        #expect(path.second == "fetch")
        #expect(slice(text, try #require(path.secondRange)) == "fetch")
        #expect(slice(text, path.range) == "steps.fetch.output.items[i].name")
        #expect(path.segments == ["steps", "fetch", "output", "items"])
        #expect(!path.isComplete)
        #expect(references[2].segments == ["i"])
        #expect(references[0].isComplete)
        #expect(references[0].secondRange == nil)
    }

    @Test func shorthandReferencesPointAtTheDotAndTheStepId() throws {
        let text = "{{ .fetch.output.x }}"
        let reference = try #require(try Template.parse(text).references().first)
        #expect(reference.segments == ["steps", "fetch", "output", "x"])
        #expect(slice(text, reference.rootRange) == ".")
        #expect(slice(text, try #require(reference.secondRange)) == "fetch")
        let literalIndex = try #require(try Expression.parse("a['k'][2]").references().first)
        #expect(literalIndex.segmentRanges == [0..<1, 2..<5, 7..<8])
    }

    @Test func templateReferencesUseWholeStringOffsets() throws {
        let text = "url/{{ inputs.region }}/{{ steps.up.output.id }}"
        let references = try Template.parse(text).references()
        #expect(
            references.map(\.segments) == [["inputs", "region"], ["steps", "up", "output", "id"]])
        #expect(references.map { slice(text, $0.rootRange) } == ["inputs", "steps"])
        #expect(slice(text, try #require(references[1].secondRange)) == "up")
    }

    @Test func functionCallsListNamesCountsAndRanges() throws {
        let text = "{{ lenn(a) + join(split(s, ','), '-') + default(x) }}"
        let calls = try Template.parse(text).functionCalls()
        #expect(calls.map(\.name) == ["lenn", "join", "split", "default"])
        #expect(calls.map(\.argumentCount) == [1, 2, 2, 1])
        #expect(calls.map { slice(text, $0.nameRange) } == ["lenn", "join", "split", "default"])
        #expect(slice(text, calls[2].range) == "split(s, ',')")
        #expect(calls[0].arity == nil)
        #expect(calls[3].arity == 2...2)
        #expect(calls[3].arity.map { $0.contains(calls[3].argumentCount) } == false)
    }

    @Test func contextRootsAreTheDocumentedOnes() {
        #expect(
            Expression.contextRoots == [
                "inputs", "steps", "secrets", "git", "run", "workflow", "item", "index",
            ])
    }
}
