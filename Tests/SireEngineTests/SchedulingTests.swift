import Foundation
import SireCore
import SireStore
import Testing

extension EngineTests {
    /// Which steps run when: concurrency, `max_parallel`, `needs`, `edges` and `when`.
    @Suite("Scheduling") struct Scheduling {
        @Test("independent steps really run at the same time")
        func parallelBranchesOverlap() async throws {
            try await EngineHarness.with { h in
                let result = try await h.run(
                    """
                    id: parallel
                    steps:
                      - id: a
                        tool: sire:local/shell.run
                        params: { argv: [sh, -c, "\(h.timed("a", sleep: "0.3"))"] }
                      - id: b
                        tool: sire:local/shell.run
                        params: { argv: [sh, -c, "\(h.timed("b", sleep: "0.3"))"] }
                    """)
                #expect(result.run.status == .succeeded)
                let (aStart, aEnd) = (try h.stamp("a.start"), try h.stamp("a.end"))
                let (bStart, bEnd) = (try h.stamp("b.start"), try h.stamp("b.end"))
                // Each step's own start and end stamps: the intervals intersect only if they ran
                // at the same time (one after the other, one would start after the other ended).
                #expect(aStart < bEnd && bStart < aEnd, "the two sleeps did not overlap")
            }
        }

        @Test("max_parallel: 1 runs independent steps one after the other")
        func maxParallelOneSerialises() async throws {
            try await EngineHarness.with { h in
                let result = try await h.run(
                    """
                    id: serial
                    max_parallel: 1
                    steps:
                      - id: a
                        tool: sire:local/shell.run
                        params: { argv: [sh, -c, "\(h.timed("a", sleep: "0.2"))"] }
                      - id: b
                        tool: sire:local/shell.run
                        params: { argv: [sh, -c, "\(h.timed("b", sleep: "0.2"))"] }
                      - id: c
                        tool: sire:local/shell.run
                        params: { argv: [sh, -c, "\(h.timed("c", sleep: "0.2"))"] }
                    """)
                #expect(result.run.status == .succeeded)
                let intervals = try ["a", "b", "c"].map { (try h.stamp("\($0).start"), try h.stamp("\($0).end")) }
                    .sorted { $0.0 < $1.0 }
                for (earlier, later) in zip(intervals, intervals.dropFirst()) {
                    #expect(later.0 >= earlier.1, "a step started before the previous one ended")
                }
            }
        }

        @Test("a step with needs starts only after all its dependencies ended")
        func needsOrdering() async throws {
            try await EngineHarness.with { h in
                let result = try await h.run(
                    """
                    id: needs
                    steps:
                      - id: join
                        needs: [slow, fast]
                        tool: sire:local/shell.run
                        params: { argv: [sh, -c, "\(h.timed("join", sleep: "0"))"] }
                      - id: slow
                        tool: sire:local/shell.run
                        params: { argv: [sh, -c, "\(h.timed("slow", sleep: "0.3"))"] }
                      - id: fast
                        tool: sire:local/shell.run
                        params: { argv: [sh, -c, "\(h.timed("fast", sleep: "0.05"))"] }
                    """)
                #expect(result.run.status == .succeeded)
                #expect(try h.stamp("join.start") >= h.stamp("slow.end"))
                #expect(try h.stamp("join.start") >= h.stamp("fast.end"))
                let started = result.events("step.started").compactMap(\.stepID)
                #expect(started.last == "join")
            }
        }

        @Test("edges order steps like needs")
        func edgesOrdering() async throws {
            try await EngineHarness.with { h in
                let result = try await h.run(
                    """
                    id: edges
                    steps:
                      - id: report
                        tool: sire:local/shell.run
                        params: { argv: [sh, -c, "\(h.timed("report", sleep: "0"))"] }
                      - id: shape
                        tool: sire:local/shell.run
                        params: { argv: [sh, -c, "\(h.timed("shape", sleep: "0.2"))"] }
                    edges:
                      - { from: shape, to: report }
                    """)
                #expect(result.run.status == .succeeded)
                #expect(try h.stamp("report.start") >= h.stamp("shape.end"))
            }
        }

        @Test("Sire shorthand `.step.output.x` passes one step's output to the next")
        func sireShorthandTemplates() async throws {
            try await EngineHarness.with { h in
                let result = try await h.run(
                    """
                    id: shorthand
                    steps:
                      - id: numbers
                        tool: sire:local/data.transform
                        params: { data: [1, 2, 3], operation: map, expression: "item * 10" }
                      - id: announce
                        tool: sire:local/log.write
                        params: { message: "total for {{ .workflow.id }}: {{ .numbers.output.result }}" }
                    edges:
                      - { from: numbers, to: announce }
                    """)
                #expect(result.run.status == .succeeded)
                #expect(result.outputs["numbers"]?.at("result") == .array([.int(10), .int(20), .int(30)]))
                #expect(result.outputs["announce"]?.at("message")?.string == "total for shorthand: [10,20,30]")
                let logged = result.events("log", step: "announce").compactMap { $0.data?.at("message")?.string }
                #expect(logged == ["total for shorthand: [10,20,30]"])
            }
        }

        @Test("when false skips the step, and its dependents still run")
        func whenFalseSkips() async throws {
            try await EngineHarness.with { h in
                let result = try await h.run(
                    """
                    id: skipping
                    steps:
                      - id: maybe
                        when: "1 > 2"
                        tool: sire:local/shell.run
                        params: { argv: [touch, "\(h.path("maybe-ran"))"] }
                      - id: after
                        needs: [maybe]
                        tool: sire:local/shell.run
                        params: { argv: [touch, "\(h.path("after-ran"))"] }
                    """)
                #expect(result.run.status == .succeeded)
                #expect(result.status("maybe") == .skipped)
                #expect(result.status("after") == .succeeded)
                #expect(!FileManager.default.fileExists(atPath: h.path("maybe-ran")))
                #expect(FileManager.default.fileExists(atPath: h.path("after-ran")))
                let skipped = try #require(result.events("step.skipped", step: "maybe").first)
                #expect(skipped.data?.at("reason")?.string == "when was false")
            }
        }

        @Test("when reads a previous step's output")
        func whenReadsOutputs() async throws {
            try await EngineHarness.with { h in
                let result = try await h.run(
                    """
                    id: conditional
                    steps:
                      - id: fetch
                        tool: sire:local/data.transform
                        params: { data: [4, 5, 6], operation: filter, expression: "item > 4" }
                      - id: enough
                        needs: [fetch]
                        when: "len(steps.fetch.output.result) == 2"
                        tool: sire:local/log.write
                        params: { message: "first is {{ steps.fetch.output.result[0] }}" }
                      - id: none
                        needs: [fetch]
                        when: "steps.fetch.output.result[0] == 4"
                        tool: sire:local/log.write
                        params: { message: "unreachable" }
                    """)
                #expect(result.run.status == .succeeded)
                #expect(result.status("enough") == .succeeded)
                #expect(result.outputs["enough"]?.at("message")?.string == "first is 5")
                #expect(result.status("none") == .skipped)
                #expect(result.outputs["none"] == nil)
            }
        }
    }
}
