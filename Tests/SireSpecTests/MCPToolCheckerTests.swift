import SireCore
import SireSpec
import Testing

/// `MCPToolChecker` on listings given in process: the JSON Schema subset and the positions.
@Suite struct MCPToolCheckerTests {
    static let schema: Value = .object([
        "type": .string("object"),
        "required": .array([.string("mode")]),
        "additionalProperties": .bool(false),
        "properties": .object([
            "mode": .object(["enum": .array([.string("fast"), .string("slow")])]),
            "tags": .object(["type": .string("array"), "items": .object(["type": .string("string")])]),
            "limit": .object([
                "anyOf": .array([.object(["type": .string("integer")]), .object(["type": .string("null")])])
            ]),
            "inner": .object([
                "type": .string("object"),
                "properties": .object(["n": .object(["type": .string("number")])]),
            ]),
        ]),
    ])

    private func check(_ params: String) -> [String] {
        let text = "id: w\nsteps:\n  - id: s\n    tool: mcp:http://h/mcp#go\n    params: \(params)\n"
        let file = WorkflowFile(path: "w.yaml", bytes: Array(text.utf8))
        let listings: [MCPToolChecker.Server: MCPToolChecker.Listing] = [
            .url("http://h/mcp"): .tools(["go": Self.schema])
        ]
        return MCPToolChecker.check(file, config: RepoConfig(), listings: listings).map {
            "\($0.line):\($0.column) \($0.rule) \($0.message)"
        }
    }

    @Test func literalParamsThatFitTheSchemaAndTemplatesPass() {
        #expect(check(#"{ mode: fast, tags: [a, b], limit: null, inner: { n: 2 } }"#) == [])
        #expect(check(#"{ mode: "{{ inputs.m }}", limit: "{{ inputs.l }}" }"#) == [])
    }

    @Test func eachBadParamIsReportedAtItsOwnNode() {
        let found = check(#"{ mode: quick, tags: [a, 3], limit: x, inner: { n: no }, modes: 1 }"#)
        #expect(found.contains { $0.hasPrefix("5:21 mcp-param-schema") && $0.contains(#"one of "fast", "slow""#) })
        #expect(found.contains { $0.hasPrefix("5:38 mcp-param-schema") && $0.contains("'tags[1]' must be a string") })
        #expect(found.contains { $0.hasPrefix("5:49 mcp-param-schema") && $0.contains("'limit' matches none") })
        #expect(found.contains { $0.hasPrefix("5:64 mcp-param-schema") && $0.contains("'inner.n' must be a number") })
        #expect(found.contains { $0.hasPrefix("5:70 mcp-param-schema") && $0.contains("did you mean 'mode'?") })
        #expect(found.count == 5, "\(found)")
    }

    @Test func aMissingToolAndAMissingRequiredParam() {
        #expect(check("{ tags: [] }") == ["5:13 mcp-param-schema go: missing required param 'mode'"])
        #expect(check("") == ["4:11 mcp-param-schema go: 'go' requires params 'mode', but the step has none"])
        let text = "id: w\nsteps:\n  - id: s\n    tool: mcp:http://h/mcp#og\n"
        let file = WorkflowFile(path: "w.yaml", bytes: Array(text.utf8))
        let found = MCPToolChecker.check(
            file, config: RepoConfig(), listings: [.url("http://h/mcp"): .tools(["go": Self.schema])])
        #expect(found.map(\.rule) == ["unknown-mcp-tool"])
        #expect(found.first?.line == 4)
        #expect(found.first?.column == 28)
    }
}
