import Foundation
import SireCore
import SireStore
import SireTestSupport
import Testing

extension EngineTests {
    /// Step and run timeouts stop work promptly and say so.
    @Suite("Timeouts") struct Timeouts {
        @Test("a step timeout stops a long sleep quickly and fails the step with 'timed out'")
        func stepTimeout() async throws {
            try await EngineHarness.with { h in
                let result = try await h.run(
                    """
                    id: step-timeout
                    steps:
                      - id: nap
                        tool: sire:local/time.sleep
                        timeout: 200ms
                        params: { duration: 30s }
                    """)
                #expect(result.run.status == .failed)
                let step = try #require(result.steps["nap"])
                #expect(step.status == .failed)
                #expect(step.attempts == 1)
                #expect(step.error?.contains("timed out") == true)
                let duration = try #require(step.durationMs)
                #expect(duration >= 190 && duration < 15_000, "the step lasted \(duration) ms")
                #expect(result.run.error?.contains("nap") == true)
            }
        }

        @Test("a step timeout stops a shell process, not just the wait for it")
        func stepTimeoutStopsProcess() async throws {
            try await EngineHarness.with { h in
                let result = try await h.run(
                    """
                    id: shell-timeout
                    steps:
                      - id: hang
                        tool: sire:local/shell.run
                        timeout: 300ms
                        params: { argv: [sh, -c, "echo $$ > \(h.path("pid")); exec sleep 30"] }
                    """)
                #expect(result.status("hang") == .failed)
                #expect(result.steps["hang"]?.error?.contains("timed out") == true)
                let pid = try #require(h.lines("pid").first.flatMap { Int32($0) })
                #expect(await eventually { !isRunning(pid) }, "the timed-out process \(pid) is still running")
            }
        }

        @Test("the run timeout fails the whole run and skips what did not run")
        func runTimeout() async throws {
            try await EngineHarness.with { h in
                let result = try await h.run(
                    """
                    id: run-timeout
                    timeout: 300ms
                    steps:
                      - id: slow
                        tool: sire:local/time.sleep
                        params: { duration: 30s }
                      - id: later
                        needs: [slow]
                        tool: sire:local/log.write
                        params: { message: never }
                    """)
                #expect(result.run.status == .failed)
                #expect(result.run.error?.contains("timed out") == true)
                let started = try #require(result.run.startedAt)
                let finished = try #require(result.run.finishedAt)
                #expect(
                    finished.timeIntervalSince(started) < 15, "the run lasted \(finished.timeIntervalSince(started)) s")
                #expect(result.status("slow") != .succeeded)
                #expect(result.status("later") == .skipped)
                #expect(result.events("run.finished").count == 1)
            }
        }
    }
}
