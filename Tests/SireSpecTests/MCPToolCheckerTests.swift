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

/// The rest of the JSON Schema keywords real servers send: pydantic's `$defs`/`$ref`, `allOf`,
/// `const`, bounds and patterns.
@Suite struct MCPToolCheckerKeywordTests {
    static let schema: Value = .object([
        "type": .string("object"),
        "$defs": .object([
            "Target": .object([
                "type": .string("object"),
                "required": .array([.string("host")]),
                "properties": .object([
                    "host": .object(["type": .string("string"), "pattern": .string("^[a-z.]+$")]),
                    "port": .object(["type": .string("integer"), "minimum": .int(1), "maximum": .int(65535)]),
                ]),
            ])
        ]),
        "properties": .object([
            "target": .object(["$ref": .string("#/$defs/Target")]),
            "name": .object([
                "allOf": .array([
                    .object(["type": .string("string")]), .object(["minLength": .int(3), "maxLength": .int(8)]),
                ])
            ]),
            "kind": .object(["const": .string("v1")]),
            "ratio": .object(["type": .string("number"), "exclusiveMaximum": .int(1)]),
            "tags": .object(["type": .string("array"), "maxItems": .int(2)]),
            "self": .object(["$ref": .string("#/properties/self")]),
        ]),
    ])

    private func check(_ params: String) -> [String] {
        let text = "id: w\nsteps:\n  - id: s\n    tool: mcp:http://h/mcp#go\n    params: \(params)\n"
        let file = WorkflowFile(path: "w.yaml", bytes: Array(text.utf8))
        return MCPToolChecker.check(
            file, config: RepoConfig(), listings: [.url("http://h/mcp"): .tools(["go": Self.schema])]
        ).map { "\($0.column) \($0.message)" }
    }

    @Test func valuesWithinTheKeywordsPass() {
        #expect(
            check(#"{ target: { host: a.example, port: 443 }, name: abcd, kind: v1, ratio: 0.5, tags: [x], self: 1 }"#)
                == [])
    }

    @Test func eachKeywordIsReportedAtItsValue() {
        let found = check(#"{ target: { host: A_B, port: 0 }, name: ab, kind: v2, ratio: 1, tags: [a, b, c] }"#)
        #expect(
            found.contains { $0.hasPrefix("31 ") && $0.contains(#"'target.host' must match the pattern "^[a-z.]+$""#) },
            "\(found)")
        #expect(
            found.contains { $0.hasPrefix("42 ") && $0.contains("'target.port' must be at least 1, got 0") }, "\(found)"
        )
        #expect(
            found.contains { $0.hasPrefix("53 ") && $0.contains("'name' must have at least 3 characters, got 2") },
            "\(found)")
        #expect(
            found.contains { $0.hasPrefix("63 ") && $0.contains(#"'kind' must be "v1", got string "v2""#) }, "\(found)")
        #expect(found.contains { $0.hasPrefix("74 ") && $0.contains("'ratio' must be below 1, got 1") }, "\(found)")
        #expect(
            found.contains { $0.hasPrefix("83 ") && $0.contains("'tags' must have at most 2 items, got 3") }, "\(found)"
        )
        #expect(found.count == 6, "\(found)")
        #expect(check("{ target: { port: 80 } }").contains { $0.contains("missing required param 'target.host'") })
    }
}
