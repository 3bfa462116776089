import Foundation
import SireCore
import SireStore
import Testing

extension EngineTests {
    /// `foreach`, `repeat` and `cache`.
    @Suite("Fan-out, repeat and cache") struct FanOut {
        @Test("foreach output lists the items' outputs in item order, whatever order they finished in")
        func foreachOrder() async throws {
            try await EngineHarness.with { h in
                let result = try await h.run(
                    """
                    id: fan
                    steps:
                      - id: each
                        foreach: [3, 1, 2]
                        tool: sire:local/shell.run
                        params: { argv: [sh, -c, "sleep 0.{{ item }}; echo {{ index }}:{{ item }}; echo {{ item }} >> \(h.path("finished"))"] }
                      - id: count
                        needs: [each]
                        tool: sire:local/log.write
                        params: { message: "{{ len(steps.each.output) }} items" }
                    """)
                #expect(result.run.status == .succeeded)
                #expect(h.lines("finished") == ["1", "2", "3"])
                guard case .array(let outputs)? = result.outputs["each"] else {
                    Issue.record("foreach output is not a list: \(String(describing: result.outputs["each"]))")
                    return
                }
                #expect(outputs.map { $0.at("stdout")?.string } == ["0:3\n", "1:1\n", "2:2\n"])
                #expect(result.items["each"]?.count == 3)
                #expect(result.items["each"]?.values.allSatisfy { $0.status == .succeeded } == true)
                #expect(result.outputs["count"]?.at("message")?.string == "3 items")
            }
        }

        @Test("foreach max_parallel bounds how many items run at once")
        func foreachMaxParallel() async throws {
            try await EngineHarness.with { h in
                let result = try await h.run(
                    """
                    id: bounded
                    steps:
                      - id: each
                        foreach: [0, 1, 2, 3, 4, 5]
                        max_parallel: 2
                        tool: sire:local/shell.run
                        params: { argv: [sh, -c, "\(h.timed("item{{ index }}", sleep: "0.15"))"] }
                    """)
                #expect(result.run.status == .succeeded)
                let intervals = try (0..<6).map { (try h.stamp("item\($0).start"), try h.stamp("item\($0).end")) }
                let most = maximumOverlap(intervals)
                #expect(most <= 2, "\(most) items ran at once")
                #expect(most == 2, "items never ran concurrently")
            }
        }

        @Test("one failing item fails the step, names the item, and skips the dependents")
        func foreachItemFailure() async throws {
            try await EngineHarness.with { h in
                let result = try await h.run(
                    """
                    id: partial
                    steps:
                      - id: each
                        foreach: ["a", "b", "c"]
                        tool: sire:local/shell.run
                        params: { argv: [sh, -c, "test {{ item }} != b"] }
                      - id: after
                        needs: [each]
                        tool: sire:local/log.write
                        params: { message: unreachable }
                    """)
                #expect(result.run.status == .failed)
                let step = try #require(result.steps["each"])
                #expect(step.status == .failed)
                #expect(step.error?.hasPrefix("item 1:") == true)
                #expect(result.items["each"]?[1]?.status == .failed)
                #expect(result.status("after") == .skipped)
            }
        }

        @Test("repeat calls the tool again until `until` holds, and keeps the last output")
        func repeatUntil() async throws {
            try await EngineHarness.with { h in
                let result = try await h.run(
                    """
                    id: poll
                    steps:
                      - id: poll
                        tool: sire:local/shell.run
                        repeat: { until: "output.stdout_json.n >= 3", max_iterations: 10, interval: 10ms }
                        params:
                          argv:
                            - sh
                            - -c
                            - |
                              echo x >> \(h.path("calls"))
                              printf '{"n": %s}' "$(wc -l < \(h.path("calls")))"
                    """)
                #expect(result.run.status == .succeeded)
                #expect(result.outputs["poll"]?.at("stdout_json.n") == .int(3))
                #expect(h.lines("calls").count == 3)
                #expect(result.steps["poll"]?.attempts == 1)
            }
        }

        @Test("repeat fails the step once max_iterations pass without `until` holding")
        func repeatExhausted() async throws {
            try await EngineHarness.with { h in
                let result = try await h.run(
                    """
                    id: poll-forever
                    steps:
                      - id: poll
                        tool: sire:local/shell.run
                        repeat: { until: "output.stdout_json.done", max_iterations: 2, interval: 10ms }
                        params: { argv: [sh, -c, "echo x >> \(h.path("calls")); echo '{\\"done\\": false}'"] }
                    """)
                #expect(result.run.status == .failed)
                #expect(result.status("poll") == .failed)
                #expect(result.steps["poll"]?.error?.contains("after 2 iterations") == true)
                #expect(h.lines("calls").count == 2)
            }
        }

        @Test("cache: a second run with the same tool and params reuses the output without calling the tool")
        func cacheReuse() async throws {
            try await EngineHarness.with { h in
                let yaml = """
                    id: cached
                    steps:
                      - id: expensive
                        tool: sire:local/shell.run
                        cache: { ttl: 1h }
                        params: { argv: [sh, -c, "echo call >> \(h.path("calls")); date +%s%N"] }
                    """
                let first = try await h.run(yaml)
                let second = try await h.run(yaml)
                #expect(first.run.status == .succeeded)
                #expect(second.run.status == .succeeded)
                #expect(h.lines("calls").count == 1)
                let output = try #require(first.outputs["expensive"])
                #expect(second.outputs["expensive"] == output)
                #expect(first.events("step.cached").isEmpty)
                #expect(second.events("step.cached", step: "expensive").count == 1)
                #expect(second.events("step.succeeded", step: "expensive").first?.data?.at("cached") == .bool(true))
                #expect(first.events("step.succeeded", step: "expensive").first?.data?.at("cached") == .bool(false))
            }
        }

        @Test("cache: different params are different entries")
        func cacheKeyedByParams() async throws {
            try await EngineHarness.with { h in
                func yaml(_ word: String) -> String {
                    """
                    id: cached
                    steps:
                      - id: expensive
                        tool: sire:local/shell.run
                        cache: { ttl: 1h }
                        params: { argv: [sh, -c, "echo \(word) >> \(h.path("calls")); echo \(word)"] }
                    """
                }
                _ = try await h.run(yaml("one"))
                let other = try await h.run(yaml("two"))
                #expect(h.lines("calls") == ["one", "two"])
                #expect(other.outputs["expensive"]?.at("stdout")?.string == "two\n")
            }
        }
    }
}

/// The most intervals that hold at one instant (touching ends do not overlap).
func maximumOverlap(_ intervals: [(Double, Double)]) -> Int {
    // Ends sort before starts at the same instant.
    var marks: [(time: Double, change: Int)] = []
    for (start, end) in intervals {
        marks.append((start, 1))
        marks.append((end, -1))
    }
    marks.sort { a, b in a.time < b.time || (a.time == b.time && a.change < b.change) }
    var current = 0
    var most = 0
    for (_, change) in marks {
        current += change
        most = max(most, current)
    }
    return most
}
