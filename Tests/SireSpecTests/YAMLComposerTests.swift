import SireCore
import Testing

@testable import SireSpec

@Suite("YAML composer: nodes and positions")
struct YAMLComposerTests {
    @Test func nodesCarryStartAndEndPositions() throws {
        let root = try composeRoot(
            """
            name: Nightly
            steps:
              - id: fetch
                tool: "sire:local/http.request"
            tags: [a, b]
            """)
        #expect(root.start == pos(1, 1))
        let name = try #require(root.pair(for: "name"))
        #expect(name.key.start == pos(1, 1))
        #expect(name.key.end == pos(1, 5))
        #expect(name.value.start == pos(1, 7))
        #expect(name.value.end == pos(1, 14))

        let steps = try #require(root["steps"])
        #expect(steps.start == pos(3, 3))
        let step = try #require(steps.sequence?.first)
        #expect(step.start == pos(3, 5))
        #expect(step["id"]?.start == pos(3, 9))
        let tool = try #require(step["tool"])
        #expect(tool.scalarStyle == .doubleQuoted)
        #expect(tool.start == pos(4, 11))
        #expect(tool.end == pos(4, 36))

        let tags = try #require(root["tags"])
        #expect(tags.start == pos(5, 7))
        #expect(tags.end == pos(5, 13))
        #expect(tags.sequence?.map(\.scalar) == ["a", "b"])
        #expect(tags.sequence?.last?.start == pos(5, 11))
    }

    @Test func mappingsKeepDocumentOrder() throws {
        let root = try composeRoot("zeta: 1\nalpha: 2\nmid: 3\n")
        #expect(root.mapping?.map(\.key.scalar) == ["zeta", "alpha", "mid"])
        #expect(root["alpha"]?.scalar == "2")
        #expect(root["missing"] == nil)
        #expect(root["alpha"]?["x"] == nil)
    }

    @Test func columnsCountUnicodeScalarsNotBytes() throws {
        let root = try composeRoot("title: é€😀 x\nflow: { a: 😀, b: 1 }\n")
        #expect(root["title"]?.scalar == "é€😀 x")
        #expect(root["title"]?.end == pos(1, 13))
        let flow = try #require(root["flow"]?.mapping)
        #expect(flow[1].key.start == pos(2, 15))
    }

    @Test func tagsAreRecordedInShorthand() throws {
        let root = try composeRoot("a: !!str 12\nb: ! 12\nc: !custom x\n")
        #expect(root["a"]?.tag == "!!str")
        #expect(root["a"]?.start == pos(1, 4))
        #expect(root["b"]?.tag == "!")
        #expect(root["c"]?.tag == "!custom")
        #expect(root["c"]?.value == .string("x"))
    }

    @Test(arguments: ["", "# only a comment\n", "\n\n"])
    func anEmptyStreamHasNoRoot(text: String) {
        let result = YAMLComposer.compose(text)
        #expect(result.root == nil)
        #expect(result.problems == [])
    }

    @Test func anExplicitEmptyDocumentIsNull() throws {
        let root = try composeRoot("---\n")
        #expect(root.value == .null)
    }

    @Test func valueConvertsRecursively() throws {
        let root = try composeRoot(
            """
            on:
              push: { paths: ["data/**"] }
            limit: 3
            ratio: 0.5
            flags: [yes, no, true]
            nothing: ~
            """)
        #expect(
            root.value
                == .object([
                    "on": .object(["push": .object(["paths": .array([.string("data/**")])])]),
                    "limit": .int(3),
                    "ratio": .double(0.5),
                    "flags": .array([.string("yes"), .string("no"), .bool(true)]),
                    "nothing": .null,
                ]))
    }

    @Test func aliasesExpandToTheAnchoredNode() throws {
        let root = try composeRoot("base: &b { retry: 3 }\nstep: *b\nname: &n hello\nother: *n\n")
        #expect(root["step"]?.value == .object(["retry": .int(3)]))
        #expect(root["step"]?.start == pos(1, 7))
        #expect(root["other"]?.scalar == "hello")
    }

    @Test func aTypicalWorkflowComposes() throws {
        let workflow = Self.typicalWorkflow
        #expect(workflow.split(separator: "\n").count >= 55)
        let root = try composeRoot(workflow)
        #expect(root["steps"]?.sequence?.isEmpty == false)
    }

    @Test func aMebibyteFileComposes() throws {
        var text = "steps:\n"
        var index = 0
        while text.utf8.count < 1 << 20 {
            text +=
                "  - id: step\(index)\n    tool: sire:local/log.write\n    params: { message: \"hello {{ inputs.x }}\", level: info }\n"
            index += 1
        }
        let root = YAMLComposer.compose(text).root
        #expect(root?["steps"]?.sequence?.count == index)
    }

    static let typicalWorkflow = """
        id: nightly-report
        name: Nightly report
        description: Builds and uploads the nightly report
        inputs:
          region: { type: string, default: eu, enum: [eu, us] }
          limit:  { type: integer, required: true }
        on:
          schedule:
            - cron: "0 2 * * *"
              timezone: Europe/Paris
              inputs: { limit: 100 }
          push: { paths: ["data/**"] }
          http: {}
        concurrency: { limit: 1, policy: skip }
        catchup: { policy: latest, window: 1h }
        timeout: 30m
        max_parallel: 8
        defaults: { retry: { max_attempts: 3 }, timeout: 5m }
        steps:
          - id: fetch
            tool: sire:local/http.request
            params: { method: GET, url: "https://api.example.com/{{ inputs.region }}" }
            retry: { max_attempts: 5, backoff: exponential, initial_interval: 1s, max_interval: 1m }
            timeout: 30s
          - id: shape
            needs: [fetch]
            when: "steps.fetch.output.status == 200"
            tool: sire:local/data.transform
            params:
              data: "{{ steps.fetch.output.body.items }}"
              operation: map
              expression: "item.value * 2"
          - id: upload
            needs: [shape]
            foreach: "{{ steps.shape.output.result }}"
            max_parallel: 4
            tool: mcp://search/upload
            params: { value: "{{ item }}" }
            on_error: { goto: alert }
          - id: alert
            tool: sire:local/log.write
            params:
              level: error
              message: "upload failed: {{ steps.upload.error }}"
          - id: poll
            tool: sire:local/http.request
            params: { url: "https://api.example.com/job" }
            repeat: { until: "output.body.done", max_iterations: 20, interval: 5s }
            cache: { ttl: 1h }
          - id: report
            needs: [poll, upload]
            tool: sire:local/log.write
            params:
              level: info
              message: |
                Report for {{ inputs.region }}
                Items: {{ len(steps.shape.output.result) }}
                Done.
        """
}
