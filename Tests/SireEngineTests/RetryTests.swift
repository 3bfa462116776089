import Foundation
import SireCore
import SireStore
import Testing

@testable import SireEngine

extension EngineTests {
    /// Retries: which failures are retried, how many times, and how long the engine waits.
    @Suite("Retries") struct Retries {
        @Test("a step that times out twice, then succeeds, ends succeeded after 3 attempts with bounded backoff")
        func transientTwiceThenSuccess() async throws {
            try await EngineHarness.with { h in
                // Each attempt records its number and start; the first two hang past the step's
                // timeout (a transient failure), the third finishes at once (well inside 1 s, even
                // on a loaded machine running the parallel suite).
                let result = try await h.run(
                    """
                    id: flaky
                    steps:
                      - id: flaky
                        tool: sire:local/shell.run
                        timeout: 1s
                        retry: { max_attempts: 5, backoff: exponential, initial_interval: 100ms, max_interval: 150ms }
                        params:
                          argv:
                            - sh
                            - -c
                            - |
                              echo "$SIRE_ATTEMPT $(date +%s%N)" >> \(h.path("attempts"))
                              if [ "$SIRE_ATTEMPT" -lt 3 ]; then exec sleep 5; fi
                              echo finally
                    """)
                #expect(result.run.status == .succeeded)
                let step = try #require(result.steps["flaky"])
                #expect(step.status == .succeeded)
                #expect(step.attempts == 3)
                #expect(result.outputs["flaky"]?.at("stdout")?.string == "finally\n")

                let attempts = h.lines("attempts").map { $0.split(separator: " ") }
                #expect(attempts.map { String($0[0]) } == ["1", "2", "3"])
                let starts = attempts.compactMap { Double($0[1]).map { $0 / 1e9 } }

                let retrying = result.events("step.retrying", step: "flaky")
                #expect(retrying.map(\.attempt) == [1, 2])
                // Full jitter: each delay lies between zero and the capped exponential delay.
                let ceilings = [100, 150]
                for (event, ceiling) in zip(retrying, ceilings) {
                    let delay = try #require(event.data?.at("delay_ms")?.int)
                    #expect((0...ceiling).contains(delay), "delay \(delay) ms is outside 0...\(ceiling) ms")
                    #expect(event.data?.at("error")?.string?.contains("timed out") == true)
                }
                // The next attempt waits for the timeout and then the announced backoff.
                for (k, event) in retrying.enumerated() where k + 1 < starts.count {
                    let delay = Double(event.data?.at("delay_ms")?.int ?? 0) / 1000
                    #expect(starts[k + 1] - starts[k] >= 1.0 + delay - 0.03)
                }
            }
        }

        @Test(
            "a permanent failure is retried only under retry_on: any",
            arguments: [("transient", 1), ("any", 3)])
        func permanentFailure(retryOn: String, expectedAttempts: Int) async throws {
            try await EngineHarness.with { h in
                let result = try await h.run(
                    """
                    id: permanent
                    steps:
                      - id: broken
                        tool: sire:local/shell.run
                        retry: { max_attempts: 3, initial_interval: 10ms, retry_on: \(retryOn) }
                        params: { argv: [sh, -c, "echo attempt >> \(h.path("calls")); exit 3"] }
                    """)
                #expect(result.run.status == .failed)
                let step = try #require(result.steps["broken"])
                #expect(step.status == .failed)
                #expect(step.attempts == expectedAttempts)
                #expect(h.lines("calls").count == expectedAttempts)
                #expect(result.events("step.retrying", step: "broken").count == expectedAttempts - 1)
                #expect(step.error?.contains("exited with status 3") == true)
            }
        }

        @Test("defaults.retry applies to steps without their own retry, which override it")
        func defaultRetry() async throws {
            try await EngineHarness.with { h in
                let result = try await h.run(
                    """
                    id: defaults
                    defaults: { retry: { max_attempts: 3, initial_interval: 10ms, retry_on: any } }
                    steps:
                      - id: inherits
                        tool: sire:local/shell.run
                        on_error: continue
                        params: { argv: [sh, -c, "echo x >> \(h.path("inherits")); exit 1"] }
                      - id: overrides
                        tool: sire:local/shell.run
                        on_error: continue
                        retry: { max_attempts: 1 }
                        params: { argv: [sh, -c, "echo x >> \(h.path("overrides")); exit 1"] }
                    """)
                #expect(result.run.status == .succeeded)
                #expect(result.steps["inherits"]?.attempts == 3)
                #expect(h.lines("inherits").count == 3)
                #expect(result.steps["overrides"]?.attempts == 1)
                #expect(h.lines("overrides").count == 1)
            }
        }

        @Test(
            "backoff delay: the policy's delay capped at max_interval, scaled by the jitter draw",
            arguments: [
                (RetryPolicy.Backoff.exponential, 1, 1.0, 100), (.exponential, 2, 1.0, 200),
                (.exponential, 3, 1.0, 400),
                (.exponential, 5, 1.0, 1000), (.exponential, 80, 1.0, 1000), (.exponential, 3, 0.5, 200),
                (.exponential, 3, 0.0, 0), (.linear, 3, 1.0, 300), (.linear, 20, 1.0, 1000), (.constant, 7, 1.0, 100),
            ])
        func backoffDelay(backoff: RetryPolicy.Backoff, attempt: Int, draw: Double, expectedMs: Int) {
            let policy = RetryPolicy(
                maxAttempts: 100, backoff: backoff, initialInterval: .milliseconds(100), maxInterval: .seconds(1))
            #expect(policy.delay(after: attempt, random: draw) == .milliseconds(expectedMs))
        }

        @Test("jittered delays spread over the whole range instead of bunching at the ceiling")
        func jitterSpreads() {
            let policy = RetryPolicy(maxAttempts: 10, initialInterval: .milliseconds(100), maxInterval: .seconds(1))
            let delays = (0..<200).map { _ in policy.delay(after: 2).milliseconds }
            #expect(delays.allSatisfy { (0...200).contains($0) })
            #expect(delays.contains { $0 < 100 } && delays.contains { $0 > 100 })
        }
    }
}
