import Foundation
import SireTestSupport
import Testing

@Suite("sire-git graph ID --format dot|mermaid")
struct GraphCommandTests {
    /// `fetch → shape → upload` by `needs`, `upload` jumping to `alert` on error.
    static let pipeline = """
        id: pipeline
        steps:
          - id: fetch
            tool: sire:local/http.request
            params: { url: "https://example.com" }
          - id: shape
            needs: [fetch]
            tool: sire:local/data.transform
            params: { data: "{{ steps.fetch.output.body }}", operation: map, expression: "item" }
          - id: upload
            needs: [shape]
            tool: sire:local/file.write
            params: { path: out.json, content: "{{ steps.shape.output.result }}" }
            on_error: { goto: alert }
          - id: alert
            tool: sire:local/log.write
            params: { level: error, message: "upload failed" }

        """

    /// The Sire format: dependencies as `edges`.
    static let edges = """
        id: sire-edges
        steps:
          - id: write
            tool: sire:local/file.write
            params: { path: out.txt, content: hi }
          - id: read
            tool: sire:local/file.read
            params: { path: out.txt }
          - id: report
            tool: sire:local/log.write
            params: { level: info, message: done }
        edges:
          - { from: write, to: read }
          - { from: read, to: report }

        """

    private func repository() async throws -> GitFixture {
        try await GitFixture.committed([
            "workflows/pipeline.yaml": Self.pipeline,
            "workflows/edges.yaml": Self.edges,
            "workflows/bad.yaml": Workflows.unknownBuiltin("bad"),
        ])
    }

    @Test("dot: solid edges from needs, a dashed on_error edge to the goto handler")
    func dotFromNeeds() async throws {
        let repo = try await repository()
        let result = try await repo.sire("graph", "pipeline", "--format", "dot")
        #expect(result.status == 0, "\(result)")
        let lines = result.lines
        #expect(lines.first == #"digraph "pipeline" {"#)
        #expect(lines.last == "}")
        let edges = lines.filter { $0.contains("->") }
        #expect(
            edges == [
                #"  "fetch" -> "shape";"#,
                #"  "shape" -> "upload";"#,
                #"  "upload" -> "alert" [style=dashed, label="on_error"];"#,
            ], "\(result)")
        for step in ["fetch", "shape", "upload", "alert"] {
            #expect(lines.contains { $0.hasPrefix("  \"\(step)\" [label=") }, "\(step) has no node")
        }
    }

    @Test("dot is the default format")
    func dotDefault() async throws {
        let repo = try await repository()
        let explicit = try await repo.sire("graph", "pipeline", "--format", "dot")
        let implicit = try await repo.sire("graph", "pipeline")
        #expect(implicit.status == 0)
        #expect(implicit.stdout == explicit.stdout)
    }

    @Test("dot node labels break the line between the step id and its tool")
    func dotLabelLineBreak() async throws {
        let repo = try await repository()
        let result = try await repo.sire("graph", "pipeline")
        let node = try #require(
            result.lines.first { $0.hasPrefix(#"  "fetch" [label="#) }, "\(result)")
        // In a Graphviz escString `\n` is a line break; `\\n` is a literal backslash then `n`.
        #expect(node == #"  "fetch" [label="fetch\nsire:local/http.request"];"#)

    }

    @Test("dot: edges from the Sire edges list")
    func dotFromEdges() async throws {
        let repo = try await repository()
        let result = try await repo.sire("graph", "sire-edges")
        #expect(result.status == 0, "\(result)")
        #expect(
            result.lines.filter { $0.contains("->") } == [
                #"  "write" -> "read";"#, #"  "read" -> "report";"#,
            ],
            "\(result)")
    }

    @Test("mermaid: a flowchart with labelled nodes, needs edges and a dotted on_error edge")
    func mermaid() async throws {
        let repo = try await repository()
        let result = try await repo.sire("graph", "pipeline", "--format", "mermaid")
        #expect(result.status == 0, "\(result)")
        #expect(
            result.lines == [
                "flowchart LR",
                #"  s0["fetch<br/><small>sire:local/http.request</small>"]"#,
                #"  s1["shape<br/><small>sire:local/data.transform</small>"]"#,
                #"  s2["upload<br/><small>sire:local/file.write</small>"]"#,
                #"  s3["alert<br/><small>sire:local/log.write</small>"]"#,
                "  s0 --> s1",
                "  s1 --> s2",
                "  s2 -.->|on_error| s3",
            ], "\(result)")
    }

    @Test("mermaid from the Sire edges list")
    func mermaidFromEdges() async throws {
        let repo = try await repository()
        let result = try await repo.sire("graph", "sire-edges", "--format", "mermaid")
        #expect(result.status == 0, "\(result)")
        #expect(
            result.lines.filter { $0.contains("-->") } == ["  s0 --> s1", "  s1 --> s2"],
            "\(result)")
    }

    @Test("a workflow can be named by its file path, and read at a revision")
    func pathAndRevision() async throws {
        let repo = try await repository()
        let byPath = try await repo.sire("graph", "workflows/pipeline.yaml")
        #expect(byPath.status == 0, "\(byPath)")
        #expect(byPath.lines.first == #"digraph "pipeline" {"#)

        // The work tree loses the handler edge; the commit still has it.
        try repo.write(
            "workflows/pipeline.yaml",
            Self.pipeline.replacingOccurrences(of: "    on_error: { goto: alert }\n", with: ""))
        let workTree = try await repo.sire("graph", "pipeline")
        #expect(workTree.status == 0, "\(workTree)")
        #expect(!workTree.stdout.contains("on_error"), "\(workTree)")
        let atHead = try await repo.sire("graph", "pipeline", "--rev", "HEAD")
        #expect(atHead.status == 0, "\(atHead)")
        #expect(atHead.stdout.contains(#""upload" -> "alert" [style=dashed"#), "\(atHead)")
    }

    @Test("an unknown workflow id exits 2 with a did-you-mean suggestion")
    func unknownID() async throws {
        let repo = try await repository()
        let result = try await repo.sire("graph", "pipelin")
        #expect(result.status == 2, "\(result)")
        #expect(result.stdout.isEmpty)
        #expect(
            result.errorLines == ["sire-git: no workflow 'pipelin'; did you mean 'pipeline'?"],
            "\(result)")
    }

    @Test("an invalid workflow exits 1 and prints its diagnostics instead of a graph")
    func invalidWorkflow() async throws {
        let repo = try await repository()
        let result = try await repo.sire("graph", "bad", "--format", "mermaid")
        #expect(result.status == 1, "\(result)")
        #expect(!result.stdout.contains("flowchart"))
        #expect(
            diagnosticLines(result.stdout) == [
                "workflows/bad.yaml:4:22: error: unknown built-in tool 'sire:local/nope.nothing' [unknown-builtin]"
            ], "\(result)")
        #expect(result.stdout.contains(" 4 |     tool: sire:local/nope.nothing"))
        #expect(result.stderr.contains("workflow 'bad' is invalid"), "\(result)")
    }

    @Test("a cyclic workflow exits 1 with the cycle diagnostic")
    func cyclicWorkflow() async throws {
        let repo = try await GitFixture.committed([
            "workflows/loop.yaml": """
            id: loop
            steps:
              - id: a
                needs: [b]
                tool: sire:local/log.write
              - id: b
                needs: [a]
                tool: sire:local/log.write

            """
        ])
        let result = try await repo.sire("graph", "loop")
        #expect(result.status == 1, "\(result)")
        #expect(diagnosticLines(result.stdout).contains { $0.hasSuffix("[cycle]") }, "\(result)")
        #expect(!result.stdout.contains("digraph"))
    }
}
