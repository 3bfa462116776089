import SireCore
import Testing

@testable import SireSpec

@Suite("YAML composer: problems")
struct YAMLProblemTests {
    // MARK: Duplicate keys

    @Test func aDuplicateKeyIsReportedAtTheSecondKeyAndTheFirstValueIsKept() throws {
        let result = YAMLComposer.compose("id: x\nname: first\nsteps: []\nname: second\n")
        #expect(
            result.problems == [
                YAMLProblem(
                    rule: .duplicateKey, message: "duplicate key 'name' (first defined at line 2)",
                    position: pos(4, 1))
            ])
        let root = try #require(result.root)
        #expect(root["name"]?.scalar == "first")
        #expect(root.mapping?.count == 3)
    }

    @Test func duplicateKeysAreFoundInNestedMappings() throws {
        let text = """
            id: x

            steps:
              - id: a
                tool: t
                params: { level: info, level: error }
                id: b
            steps: []
            """
        let result = YAMLComposer.compose(text)
        #expect(result.problems.map(\.rule) == [.duplicateKey, .duplicateKey, .duplicateKey])
        #expect(result.problems.map(\.position) == [pos(6, 28), pos(7, 5), pos(8, 1)])
        #expect(result.problems[1].message == "duplicate key 'id' (first defined at line 4)")
        #expect(result.problems[2].message == "duplicate key 'steps' (first defined at line 3)")
        let step = try #require(result.root?["steps"]?.sequence?.first)
        #expect(step["id"]?.scalar == "a")
        #expect(step["params"]?.value == .object(["level": .string("info")]))
    }

    @Test func duplicatesAreFoundInLargeMappings() throws {
        var text = ""
        for index in 0..<40 { text += "key\(index): \(index)\n" }
        text += "key7: again\n"
        let result = YAMLComposer.compose(text)
        #expect(result.problems.map(\.position) == [pos(41, 1)])
        #expect(result.problems.first?.message == "duplicate key 'key7' (first defined at line 8)")
        #expect(result.root?["key7"]?.scalar == "7")
        #expect(result.root?.mapping?.count == 40)
    }

    @Test func keysThatLookAlikeAfterResolutionAreNotDuplicates() throws {
        // `on` and `true` are distinct strings under YAML 1.2; only identical text collides.
        let root = try composeRoot("on: 1\ntrue: 2\n\"on \": 3\n")
        #expect(root.mapping?.count == 3)
    }

    // MARK: Tabs

    @Test(arguments: [
        ("a:\n\tb: 1\n", pos(2, 1)),
        ("a: 1\n  \tb: 2\n", pos(2, 3)),
        ("a:\n  b: 1\n\tc: 2\n", pos(3, 1)),
        ("a: x\n\tcontinued\n", pos(2, 1)),
        ("a:\n  - x\n  -\ty\n", pos(3, 4)),
    ])
    func aTabInIndentationIsReportedAtTheTab(text: String, tab: SourcePosition) {
        let result = YAMLComposer.compose(text)
        #expect(result.root == nil)
        #expect(result.problems.count == 1)
        #expect(result.problems.first?.rule == .tab)
        #expect(result.problems.first?.position == tab)
        #expect(result.problems.first?.message.contains("tab") == true)
    }

    @Test func tabsOutsideIndentationAreFine() throws {
        let root = try composeRoot("a:\t1\nrun: |\n  echo\n  \tindented\nb: \"x\ty\"\n")
        #expect(root["a"]?.value == .int(1))
        #expect(root["run"]?.scalar == "echo\n\tindented\n")
        #expect(root["b"]?.scalar == "x\ty")
    }

    // MARK: Syntax errors

    @Test(arguments: [
        (
            "a: 1\nb\nc: 2\n", pos(3, 1),
            "could not find expected ':' (while scanning a simple key at line 2, column 1)"
        ),
        (
            "a: [1, 2\nb: 3\n", pos(2, 2),
            "did not find expected ',' or ']' (while parsing a flow sequence at line 1, column 4)"
        ),
        (
            "a: \"abc\nb: 2\n", pos(3, 1),
            "found unexpected end of stream (while scanning a quoted scalar at line 1, column 4)"
        ),
        (
            "key: value: x\n", pos(1, 11),
            "mapping values are not allowed in this context; quote a value that contains ': '"
        ),
        (
            "- a\nb: 1\n", pos(2, 1),
            "did not find expected '-' indicator (while parsing a block collection at line 1, column 1)"
        ),
        (
            "a: @b\n", pos(1, 4),
            "found character '@' that cannot start any token; quote the value (while scanning for the next token at line 1, column 4)"
        ),
        ("a: x\u{01}y\n", pos(1, 5), "control characters are not allowed (U+0001)"),
        ("é: ü\u{01}\n", pos(1, 5), "control characters are not allowed (U+0001)"),
    ])
    func syntaxErrorsHaveExactPositionsAndReadableMessages(
        text: String, position: SourcePosition, message: String
    ) {
        let result = YAMLComposer.compose(text)
        #expect(result.root == nil)
        #expect(
            result.problems == [YAMLProblem(rule: .syntax, message: message, position: position)])
    }

    @Test func problemsBeforeASyntaxErrorAreKeptInOrder() {
        let result = YAMLComposer.compose("a: 1\na: 2\nb: [\n")
        #expect(result.root == nil)
        #expect(result.problems.map(\.rule) == [.duplicateKey, .syntax])
        #expect(result.problems.map(\.position) == result.problems.map(\.position).sorted())
    }

    // MARK: Aliases

    @Test func anAliasBombIsRefusedQuickly() {
        var text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
            let previous = "*a\(level - 1)"
            let items = Array(repeating: previous, count: 10).joined(separator: ", ")
            text += "a\(level): &a\(level) [\(items)]\n"
        }
        // Expanded, this document would hold 10^9 nodes: finishing at all is the check.
        let result: YAMLDocumentResult? = YAMLComposer.compose(text)
        #expect(result?.root == nil)
        #expect(result?.problems.map(\.rule) == [.aliasBudget])
        // The budget trips inside a6 (10^6 nodes > 100 000).
        #expect(result?.problems.first?.position.line == 5)
    }

    @Test func aSmallerAliasBudgetIsHonoured() {
        let text = "a: &a [1, 2, 3]\nb: [*a, *a, *a]\n"
        #expect(YAMLComposer.compose(text, limits: YAMLLimits(maxAliasNodes: 12)).problems == [])
        let refused = YAMLComposer.compose(text, limits: YAMLLimits(maxAliasNodes: 11))
        #expect(refused.problems.map(\.rule) == [.aliasBudget])
        #expect(refused.problems.first?.position == pos(2, 13))
    }

    @Test func theNodeBudgetCountsEveryNode() {
        let result = YAMLComposer.compose("[1, 2, 3, 4, 5]\n", limits: YAMLLimits(maxNodes: 5))
        #expect(result.root == nil)
        #expect(result.problems.map(\.rule) == [.nodeBudget])
    }

    @Test func anUnknownAliasIsReportedAndReadsAsNull() throws {
        let result = YAMLComposer.compose("a: *nope\nb: 1\n")
        #expect(
            result.problems == [
                YAMLProblem(
                    rule: .unknownAlias,
                    message: "alias '*nope' refers to no anchor '&nope' defined before it",
                    position: pos(1, 4))
            ])
        #expect(result.root?.value == .object(["a": .null, "b": .int(1)]))
    }

    @Test func aRecursiveAliasIsReported() {
        let result = YAMLComposer.compose("a: &x [1, *x]\n")
        #expect(result.problems.map(\.rule) == [.unknownAlias])
        #expect(result.problems.first?.message.contains("recursive") == true)
    }

    @Test func mergeKeysAreReportedAndDropped() throws {
        let result = YAMLComposer.compose("base: &b { a: 1 }\nx:\n  <<: *b\n  c: 2\n")
        #expect(result.problems.map(\.rule) == [.mergeKey])
        #expect(result.problems.first?.position == pos(3, 3))
        #expect(result.root?["x"]?.value == .object(["c": .int(2)]))
        // A quoted "<<" is an ordinary key.
        #expect(try composeRoot("\"<<\": 1\n")["<<"]?.value == .int(1))
    }

    // MARK: Depth

    @Test func nestingUpToTheLimitIsAccepted() throws {
        let text = String(repeating: "[", count: 128) + String(repeating: "]", count: 128)
        _ = try composeRoot(text)
    }

    @Test(arguments: [129, 100_000])
    func deepFlowNestingIsRefused(depth: Int) {
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let result = YAMLComposer.compose(text)
        #expect(result.root == nil)
        #expect(result.problems.map(\.rule) == [.depth])
        #expect(result.problems.first?.position == pos(1, 129))
    }

    @Test func deepBlockNestingIsRefused() {
        var text = ""
        for level in 0..<200 { text += String(repeating: " ", count: level) + "k:\n" }
        let result = YAMLComposer.compose(text, limits: YAMLLimits(maxDepth: 50))
        #expect(result.problems.map(\.rule) == [.depth])
        #expect(result.problems.first?.position == pos(51, 51))
    }

    @Test func aliasesCannotStackNestingPastTheLimit() {
        // Each alias is shallow, but every level nests the previous one once more.
        var text =
            "l0: &l0 " + String(repeating: "[", count: 30) + String(repeating: "]", count: 30)
            + "\n"
        for level in 1...10 {
            text +=
                "l\(level): &l\(level) " + String(repeating: "[", count: 30) + "*l\(level - 1)"
                + String(repeating: "]", count: 30) + "\n"
        }
        let result = YAMLComposer.compose(text)
        #expect(result.root == nil)
        #expect(result.problems.map(\.rule) == [.depth])
        #expect(result.problems.first?.position.line == 5)
    }

    // MARK: Documents

    @Test func aSecondDocumentIsReportedAndTheFirstKept() {
        let result = YAMLComposer.compose("a: 1\n---\nb: 2\n")
        #expect(result.problems.map(\.rule) == [.multipleDocuments])
        #expect(result.problems.first?.position == pos(2, 1))
        #expect(result.root?.value == .object(["a": .int(1)]))
    }

    @Test func oneExplicitDocumentIsFine() throws {
        let root = try composeRoot("---\na: 1\n...\n")
        #expect(root.value == .object(["a": .int(1)]))
    }

    @Test func problemsConvertToDiagnostics() {
        let problem = YAMLProblem(rule: .tab, message: "tab", position: pos(2, 3))
        #expect(
            problem.diagnostic(path: "workflows/a.yaml").description
                == "workflows/a.yaml:2:3: error: tab [yaml-tab]")
    }
}
