import Foundation
import SireCore
import SireStore
import Testing

extension EngineTests {
    /// `on_error`: fail, continue and goto handlers.
    @Suite("Error policies") struct ErrorPolicies {
        @Test("on_error: continue records the failure, runs the dependents and the run succeeds")
        func continuePolicy() async throws {
            try await EngineHarness.with { h in
                let result = try await h.run(
                    """
                    id: carry-on
                    steps:
                      - id: optional
                        tool: sire:local/shell.run
                        on_error: continue
                        params: { argv: ["false"] }
                      - id: summary
                        needs: [optional]
                        tool: sire:local/log.write
                        params: { message: "optional ended {{ steps.optional.status }}" }
                      - id: final
                        needs: [summary]
                        tool: sire:local/log.write
                        params: { message: done }
                    """)
                #expect(result.run.status == .succeeded)
                #expect(result.run.error == nil)
                #expect(result.status("optional") == .failed)
                #expect(result.steps["optional"]?.error?.contains("exited with status 1") == true)
                #expect(result.outputs["summary"]?.at("message")?.string == "optional ended failed")
                #expect(result.status("final") == .succeeded)
            }
        }

        @Test("on_error: fail fails the run, and steps not yet started never start")
        func failPolicy() async throws {
            try await EngineHarness.with { h in
                let result = try await h.run(
                    """
                    id: stop
                    max_parallel: 1
                    steps:
                      - id: broken
                        tool: sire:local/shell.run
                        params: { argv: [sh, -c, "echo nope >&2; exit 2"] }
                      - id: independent
                        tool: sire:local/shell.run
                        params: { argv: [touch, "\(h.path("independent-ran"))"] }
                      - id: dependent
                        needs: [broken]
                        tool: sire:local/shell.run
                        params: { argv: [touch, "\(h.path("dependent-ran"))"] }
                    """)
                #expect(result.run.status == .failed)
                #expect(result.run.error?.contains("'broken'") == true)
                #expect(result.run.error?.contains("nope") == true)
                #expect(result.status("broken") == .failed)
                #expect(result.status("independent") == .skipped)
                #expect(result.status("dependent") == .skipped)
                #expect(!FileManager.default.fileExists(atPath: h.path("independent-ran")))
                #expect(!FileManager.default.fileExists(atPath: h.path("dependent-ran")))
                #expect(result.events("step.started").compactMap(\.stepID) == ["broken"])
            }
        }

        @Test(
            "on_error: goto runs the handler with the error; the run fails unless it recovers",
            arguments: [(false, RunStatus.failed), (true, RunStatus.succeeded)])
        func gotoHandler(recover: Bool, expected: RunStatus) async throws {
            try await EngineHarness.with { h in
                let result = try await h.run(
                    """
                    id: handled
                    steps:
                      - id: upload
                        tool: sire:local/shell.run
                        params: { argv: [sh, -c, "echo disk quota exceeded >&2; exit 4"] }
                        on_error: { goto: alert }
                      - id: publish
                        needs: [upload]
                        tool: sire:local/shell.run
                        params: { argv: [touch, "\(h.path("published"))"] }
                      - id: alert
                        tool: sire:local/log.write
                        params: { level: error, message: "upload failed: {{ steps.upload.error }}" }
                        recover: \(recover)
                    """)
                #expect(result.run.status == expected)
                #expect(result.status("upload") == .failed)
                #expect(result.status("alert") == .succeeded)
                let message = try #require(result.outputs["alert"]?.at("message")?.string)
                #expect(message.hasPrefix("upload failed: "))
                #expect(message.contains("exited with status 4"))
                #expect(message.contains("disk quota exceeded"))
                #expect(result.status("publish") == .skipped)
                #expect(!FileManager.default.fileExists(atPath: h.path("published")))
                let logged = result.events("log", step: "alert").compactMap { $0.data?.at("level")?.string }
                #expect(logged == ["error"])
            }
        }

        @Test("a goto handler nothing failed into is skipped, and the run succeeds")
        func untriggeredHandler() async throws {
            try await EngineHarness.with { h in
                let result = try await h.run(
                    """
                    id: calm
                    steps:
                      - id: work
                        tool: sire:local/log.write
                        params: { message: fine }
                        on_error: { goto: cleanup }
                      - id: cleanup
                        tool: sire:local/shell.run
                        params: { argv: [touch, "\(h.path("cleanup-ran"))"] }
                    """)
                #expect(result.run.status == .succeeded)
                #expect(result.status("work") == .succeeded)
                #expect(result.status("cleanup") == .skipped)
                #expect(!FileManager.default.fileExists(atPath: h.path("cleanup-ran")))
                let skipped = try #require(result.events("step.skipped", step: "cleanup").first)
                #expect(skipped.data?.at("reason")?.string == "no step failed into this handler")
            }
        }
    }
}
