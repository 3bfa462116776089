import Foundation
import SireCore
import SireEngine
import SireStore
import SireTestSupport
import Testing

extension EngineTests {
    /// What survives a restart: finished runs exactly once, unfinished runs resumed without
    /// re-running what had completed.
    @Suite("Durability") struct Durability {
        /// The lease owner of an engine in a process that has died.
        static func deadOwner() async throws -> String {
            "\(ProcessInfo.processInfo.hostName):\(try await deadProcessID()):crashed"
        }

        @Test("a new store on the same directory sees the finished run, its steps, outputs and events, once")
        func finishedRunSurvivesReopening() async throws {
            try await EngineHarness.with { h in
                let result = try await h.run(
                    """
                    id: durable
                    steps:
                      - id: small
                        tool: sire:local/data.transform
                        params: { data: [1, 2], operation: map, expression: "item + 1" }
                      - id: big
                        needs: [small]
                        tool: sire:local/shell.run
                        params: { argv: [sh, -c, "head -c 100000 /dev/zero | tr '\\\\0' a"] }
                      - id: note
                        needs: [big]
                        tool: sire:local/log.write
                        params: { message: "{{ len(steps.big.output.stdout) }} bytes" }
                    """)
                #expect(result.run.status == .succeeded)
                #expect(result.outputs["note"]?.at("message")?.string == "100000 bytes")
                guard case .artifact? = result.steps["big"]?.output else {
                    Issue.record("a 100 kB output was kept inline")
                    return
                }

                let (store, engine) = try h.reopened()
                let again = try h.result(of: result.run.id, in: store)
                #expect(again.run.status == .succeeded)
                #expect(again.run.finishedAt == result.run.finishedAt)
                #expect(again.steps == result.steps)
                #expect(again.outputs == result.outputs)
                #expect(again.outputs["big"]?.at("stdout")?.string == String(repeating: "a", count: 100_000))
                #expect(again.events == result.events)
                #expect(again.events("run.finished").count == 1)
                #expect(
                    try store.snapshot { try $0.pendingOutbox().map(\.runID) }.filter { $0 == result.run.id }.count == 1
                )

                // Executing or resuming a finished run changes nothing.
                #expect(try await engine.execute(result.run.id).status == .succeeded)
                #expect(try await engine.resumeUnfinished().isEmpty)
                let after = try h.result(of: result.run.id, in: store)
                #expect(after.events.count == result.events.count)
                #expect(
                    try store.snapshot { try $0.pendingOutbox().map(\.runID) }.filter { $0 == result.run.id }.count == 1
                )
            }
        }

        @Test("resuming a run a crash left half done re-runs the running step but not the succeeded one")
        func resumeAfterCrash() async throws {
            try await EngineHarness.with { h in
                let record = try await h.submit(
                    """
                    id: resumable
                    steps:
                      - id: first
                        tool: sire:local/shell.run
                        params: { argv: [sh, -c, "echo ran >> \(h.path("first")); echo '{\\"v\\": 1}'"] }
                      - id: second
                        needs: [first]
                        tool: sire:local/shell.run
                        params: { argv: [sh, -c, "echo {{ steps.first.output.v }} >> \(h.path("second"))"] }
                      - id: third
                        needs: [second]
                        tool: sire:local/log.write
                        params: { message: "second had {{ steps.second.attempts }} attempt(s)" }
                    """)
                // What a process killed while `second` ran leaves behind.
                let dead = try await Self.deadOwner()
                let id = record.id
                let began = Date().addingTimeInterval(-1)
                try await h.store.transaction { tx in
                    // The engine that created the run holds its lease: take it over as if that lease had run out.
                    _ = try tx.claimRun(id, owner: dead, until: Date().addingTimeInterval(3600), now: .distantFuture)
                    try tx.setRunStatus(id, .running, at: began)
                    try tx.saveStep(
                        StepRecord(
                            runID: id, stepID: "first", status: .succeeded, attempts: 1, startedAt: began,
                            finishedAt: began, durationMs: 3, output: .inline(#"{"v":41}"#)))
                    try tx.saveStep(
                        StepRecord(runID: id, stepID: "second", status: .running, attempts: 1, startedAt: began))
                    try tx.appendEvent(EventRecord(runID: id, kind: "run.started"))
                }

                let (store, engine) = try h.reopened()
                let resumed = try await engine.resumeUnfinished()
                #expect(resumed.map(\.id) == [id])
                #expect(resumed.first?.status == .succeeded)
                let result = try h.result(of: id, in: store)
                #expect(h.lines("first").isEmpty, "the succeeded step ran again")
                #expect(h.lines("second") == ["41"])
                #expect(result.steps["first"]?.attempts == 1)
                #expect(result.status("second") == .succeeded)
                #expect(result.outputs["third"]?.at("message")?.string == "second had 1 attempt(s)")
                #expect(result.events("run.finished").count == 1)
                #expect(try store.snapshot { try $0.pendingOutbox().map(\.runID) }.filter { $0 == id }.count == 1)
            }
        }

        @Test("a retry pending at a crash continues with the next attempt after the same backoff")
        func resumePendingRetry() async throws {
            try await EngineHarness.with { h in
                let record = try await h.submit(
                    """
                    id: retry-resume
                    steps:
                      - id: flaky
                        tool: sire:local/shell.run
                        retry: { max_attempts: 5, initial_interval: 1s, retry_on: any }
                        params: { argv: [sh, -c, "echo $SIRE_ATTEMPT $(date +%s%N) >> \(h.path("attempts"))"] }
                    """)
                let dead = try await Self.deadOwner()
                let id = record.id
                let next = Date().addingTimeInterval(0.4)
                try await h.store.transaction { tx in
                    _ = try tx.claimRun(id, owner: dead, until: Date().addingTimeInterval(3600), now: .distantFuture)
                    try tx.setRunStatus(id, .running)
                    try tx.saveStep(
                        StepRecord(
                            runID: id, stepID: "flaky", status: .retrying, attempts: 2, nextAttemptAt: next,
                            startedAt: Date(), error: "boom"))
                }
                let (store, engine) = try h.reopened()
                _ = try await engine.resumeUnfinished()
                let result = try h.result(of: id, in: store)
                #expect(result.run.status == .succeeded)
                #expect(result.steps["flaky"]?.attempts == 3)
                let attempts = h.lines("attempts").map { $0.split(separator: " ") }
                #expect(attempts.map { String($0[0]) } == ["3"])
                let started = try #require(attempts.first.flatMap { Double($0[1]) }) / 1e9
                #expect(started >= next.timeIntervalSince1970 - 0.05, "the retry did not wait for its backoff")
            }
        }

        @Test("foreach items that finished before a crash are not run again")
        func resumeForeachItems() async throws {
            try await EngineHarness.with { h in
                let record = try await h.submit(
                    """
                    id: items-resume
                    steps:
                      - id: each
                        foreach: [10, 20, 30]
                        tool: sire:local/shell.run
                        params: { argv: [sh, -c, "echo {{ item }} >> \(h.path("ran")); echo {{ item }}"] }
                    """)
                let dead = try await Self.deadOwner()
                let id = record.id
                try await h.store.transaction { tx in
                    _ = try tx.claimRun(id, owner: dead, until: Date().addingTimeInterval(3600), now: .distantFuture)
                    try tx.setRunStatus(id, .running)
                    try tx.saveStep(
                        StepRecord(runID: id, stepID: "each", status: .running, attempts: 1, startedAt: Date()))
                    for (item, value) in [(0, 10), (2, 30)] {
                        try tx.saveStep(
                            StepRecord(
                                runID: id, stepID: "each", item: item, status: .succeeded, attempts: 1,
                                finishedAt: Date(), output: .inline(#"{"stdout":"\#(value)\n"}"#)))
                    }
                }
                let (store, engine) = try h.reopened()
                _ = try await engine.resumeUnfinished()
                let result = try h.result(of: id, in: store)
                #expect(result.run.status == .succeeded)
                #expect(h.lines("ran") == ["20"])
                let output = try #require(result.outputs["each"])
                #expect(["0", "1", "2"].map { output.at("\($0).stdout")?.string } == ["10\n", "20\n", "30\n"])
            }
        }

        @Test("a run leased by a live engine is not taken over; an expired lease is")
        func leases() async throws {
            try await EngineHarness.with { h in
                let record = try await h.submit(
                    """
                    id: leased
                    steps:
                      - id: only
                        tool: sire:local/shell.run
                        params: { argv: [sh, -c, "echo ran >> \(h.path("ran"))"] }
                    """)
                // Another engine in this (live) process holds the lease.
                let other = "\(ProcessInfo.processInfo.hostName):\(getpid()):someone"
                let id = record.id
                _ = try await h.store.transaction { tx in
                    try tx.claimRun(id, owner: other, until: Date().addingTimeInterval(3600), now: .distantFuture)
                }
                let refusal = await #expect(throws: EngineError.self) { try await h.engine.execute(id) }
                #expect(refusal?.code == .owned, "refused with: \(refusal.map { "\($0)" } ?? "nothing")")

                #expect(try await h.engine.resumeUnfinished().isEmpty)
                #expect(h.lines("ran").isEmpty)

                // The lease runs out without renewal: the run can be taken over.
                _ = try await h.store.transaction { tx in
                    try tx.claimRun(id, owner: other, until: Date().addingTimeInterval(-1))
                }
                let resumed = try await h.engine.resumeUnfinished()
                #expect(resumed.map(\.status) == [.succeeded])
                #expect(h.lines("ran") == ["ran"])
            }
        }

        @Test("stopping the executing task (shutdown) leaves the run for a restart, which completes it")
        func shutdownMidRunIsResumable() async throws {
            try await EngineHarness.with { h in
                let dead = try await Self.deadOwner()
                let first = EngineHarness.makeEngine(
                    store: h.store, tools: h.dispatcher, sandbox: h.sandbox, secrets: h.secrets, owner: dead)
                let record = try await h.submit(
                    """
                    id: shutdown
                    steps:
                      - id: before
                        tool: sire:local/shell.run
                        params: { argv: [sh, -c, "echo ran >> \(h.path("before"))"] }
                      - id: long
                        needs: [before]
                        tool: sire:local/shell.run
                        params:
                          argv:
                            - sh
                            - -c
                            - |
                              echo ran >> \(h.path("long"))
                              if [ ! -f \(h.path("resumed")) ]; then touch \(h.path("resumed")); exec sleep 30; fi
                              echo second time
                      - id: after
                        needs: [long]
                        tool: sire:local/log.write
                        params: { message: "{{ steps.long.output.stdout }}" }
                    """, engine: first)
                let execution = Task { try await first.execute(record.id) }
                #expect(await eventually { FileManager.default.fileExists(atPath: h.path("resumed")) })
                execution.cancel()
                _ = try? await execution.value

                let left = try h.result(of: record.id)
                #expect(!left.run.status.isFinished, "the interrupted run was recorded as \(left.run.status)")
                #expect(left.run.status != .succeeded, "an interrupted run was recorded as succeeded")

                let (store, engine) = try h.reopened()
                _ = try await engine.resumeUnfinished()
                let result = try h.result(of: record.id, in: store)
                #expect(result.run.status == .succeeded)
                #expect(result.outputs["after"]?.at("message")?.string == "second time\n")

                #expect(h.lines("before") == ["ran"], "the succeeded step ran again")
            }
        }
    }
}
