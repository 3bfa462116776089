import Foundation
import SireCore
import SireEngine
import SireStore
import SireTestSupport
import Testing

extension EngineTests {
    /// `requestCancel` from outside the executing task.
    @Suite("Cancellation") struct Cancellation {
        @Test("cancelling a run stops its running process promptly and ends the run cancelled")
        func cancelStopsProcess() async throws {
            try await EngineHarness.with { h in
                let record = try await h.submit(
                    """
                    id: long
                    steps:
                      - id: wait
                        tool: sire:local/shell.run
                        params: { argv: [sh, -c, "echo $$ > \(h.path("pid")); exec sleep 30"] }
                      - id: after
                        needs: [wait]
                        tool: sire:local/shell.run
                        params: { argv: [touch, "\(h.path("after-ran"))"] }
                    """)
                let engine = h.engine
                let execution = Task { try await engine.execute(record.id) }
                #expect(await eventually { h.lines("pid").first.flatMap { Int32($0) } != nil })
                let pid = try #require(h.lines("pid").first.flatMap { Int32($0) })
                #expect(isRunning(pid))

                let asked = ContinuousClock.now
                #expect(try await h.engine.requestCancel(record.id))
                let final = try await execution.value
                let took = ContinuousClock.now - asked

                #expect(final.status == .cancelled)
                #expect(took < .seconds(15), "cancelling took \(took)")
                #expect(
                    await eventually(within: .seconds(20)) { !isRunning(pid) }, "process \(pid) survived the cancel")
                let result = try h.result(of: record.id)
                #expect(result.run.status == .cancelled)
                #expect(result.status("wait") == .cancelled)
                #expect(result.status("after") == .skipped)
                #expect(!FileManager.default.fileExists(atPath: h.path("after-ran")))
                #expect(result.events("run.finished").first?.data?.at("status")?.string == "cancelled")
                // A finished run cannot be cancelled again.
                #expect(try await h.engine.requestCancel(record.id) == false)
            }
        }

        @Test("cancelling during a retry's backoff ends the run without another attempt")
        func cancelDuringBackoff() async throws {
            try await EngineHarness.with { h in
                let record = try await h.submit(
                    """
                    id: backoff
                    steps:
                      - id: flaky
                        tool: sire:local/shell.run
                        retry: { max_attempts: 5, backoff: constant, initial_interval: 1h, max_interval: 1h, retry_on: any }
                        params: { argv: [sh, -c, "echo x >> \(h.path("calls")); exit 1"] }
                    """)
                let engine = h.engine
                let execution = Task { try await engine.execute(record.id) }
                #expect(
                    await eventually {
                        (try? h.result(of: record.id).events("step.retrying").isEmpty == false) ?? false
                    })
                let asked = ContinuousClock.now
                _ = try await h.engine.requestCancel(record.id)
                let final = try await execution.value
                #expect(final.status == .cancelled)
                // The backoff is an hour: ending at all means the cancel cut it short.
                #expect(ContinuousClock.now - asked < .seconds(15))
                #expect(h.lines("calls").count == 1)
            }
        }
    }
}
