import Foundation
import SireTestSupport
import Testing

/// SPEC §5 durability, tested for real: the process is killed with SIGKILL in the middle of a
/// run, and a later engine start finishes it without repeating a completed step.
@Suite("crash recovery: kill -9 mid-run, then resume", .serialized)
struct CrashRecoveryTests {
    /// 5 parallel branches of 10 steps; every step appends its id to a log outside the checkout,
    /// then sleeps 0.3 s, so a run lasts seconds: time enough to kill it in its middle even on a
    /// machine busy with other tests.
    /// `branches` chains of `length` shell steps, each appending its id to the log, then
    /// sleeping 0.3 s — or, with `slowUntilFast`, 2 s until a `LOG.fast` file exists (so a test
    /// can kill the run surely before it ends, however loaded the machine, and resume it fast).
    static func workflow(branches: Int = 5, length: Int = 10, slowUntilFast: Bool = false) -> String {
        let pause = slowUntilFast ? "[ -e \\\"$0.fast\\\" ] || sleep 2" : "sleep 0.3"
        var lines = [
            "id: crash", "inputs:", "  log: { type: string, required: true }", "max_parallel: \(branches)", "steps:",
        ]
        for b in 0..<branches {
            for i in 0..<length {
                lines.append("  - id: b\(b)s\(i)")
                if i > 0 { lines.append("    needs: [b\(b)s\(i - 1)]") }
                lines.append("    tool: sire:local/shell.run")
                lines.append(
                    "    params: { argv: [sh, -c, \"echo b\(b)s\(i) >> \\\"$0\\\"; \(pause)\", \"{{ inputs.log }}\"] }"
                )
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    @Test func killedRunResumesWithoutRepeatingCompletedSteps() async throws {
        let repo = try await GitFixture.committed(["workflows/crash.yaml": Self.workflow()])
        let log = repo.sandbox + "/steps.log"
        let process = try await SireBinary.start(["run", "crash", "--input", "log=\(log)"], in: repo.root)
        // Let about a third of the steps finish, then kill without warning.
        _ = await eventually(within: .seconds(30)) { Self.lines(log).count >= 15 }
        #expect(await process.stop().signalled)
        let linesAtKill = Self.lines(log).count
        #expect(linesAtKill >= 15 && linesAtKill < 50, "killed too late to test anything: \(linesAtKill) lines")

        // What the index says had completed when the process died.
        let listed = try await repo.sire("runs", "list", "--json")
        #expect(listed.status == 0, "\(listed)")
        let runs = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(runs.count == 1)
        let runID = try #require(runs.first?["id"] as? String)
        #expect(runs.first?["status"] as? String == "running")
        let before = try await repo.sire("runs", "show", runID, "--json")
        let beforeSteps = try #require(try before.jsonObject()["steps"] as? [String: [String: Any]])
        let completed = Set(beforeSteps.filter { $0.value["status"] as? String == "succeeded" }.keys)
        #expect(!completed.isEmpty)

        // Give the orphaned shell children (sleep 0.3) time to end, then resume.
        try await Task.sleep(for: .milliseconds(600))
        let resumed = try await repo.sire("runs", "resume")
        #expect(resumed.status == 0, "\(resumed)")
        #expect(resumed.stdout.contains("succeeded"), "\(resumed)")

        let after = try await repo.sire("runs", "show", runID, "--json")
        let afterRun = try after.jsonObject()
        #expect(afterRun["status"] as? String == "succeeded")
        let afterSteps = try #require(afterRun["steps"] as? [String: [String: Any]])
        #expect(afterSteps.count == 50)
        #expect(afterSteps.values.allSatisfy { $0["status"] as? String == "succeeded" })

        // Every step ran; no step that had completed ran again; only steps that were running
        // at the kill may have run twice (at-least-once).
        let counts = Dictionary(grouping: Self.lines(log), by: { $0 }).mapValues(\.count)
        #expect(counts.count == 50)
        for step in completed {
            #expect(counts[step] == 1, "completed step \(step) ran \(counts[step] ?? 0) times")
        }
        let repeated = counts.filter { $0.value > 1 }.keys
        #expect(repeated.count <= 5, "more steps repeated than could have been running: \(repeated.sorted())")

        // The event log records each step's success exactly once.
        let events = try await repo.sire("runs", "logs", runID, "--json")
        let kinds = events.lines.compactMap { line -> String? in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                object["kind"] as? String == "step.succeeded"
            else { return nil }
            return object["step"] as? String
        }
        #expect(kinds.count == 50)
        #expect(Set(kinds).count == 50)
    }

    @Test func aLiveRunIsNotTakenOverByAnotherProcess() async throws {
        let repo = try await GitFixture.committed([
            "workflows/slow.yaml": """
            id: slow
            steps:
              - id: wait
                tool: sire:local/time.sleep
                params: { duration: 3s }

            """
        ])
        let process = try await SireBinary.start(["run", "slow"], in: repo.root)
        defer { process.signal(SIGKILL) }
        let runID = await eventually(within: .seconds(20)) { () -> String? in
            guard let listed = try? await repo.sire("runs", "list", "--json"), listed.status == 0,
                let runs = try? JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]],
                runs.first?["status"] as? String == "running"
            else { return nil }
            return runs.first?["id"] as? String
        }
        let id = try #require(runID)
        // The first process is alive and holds the lease: resume must leave the run alone.
        let resumed = try await repo.sire("runs", "resume", id)
        #expect(resumed.status == 1, "\(resumed)")
        #expect(resumed.stderr.contains("another process"), "\(resumed)")
        #expect(await process.exit().code == 0)
        let shown = try await repo.sire("runs", "show", id, "--json")
        #expect(try shown.jsonObject()["status"] as? String == "succeeded")
    }
}

@Suite("crash recovery: any later engine start resumes", .serialized)
struct LaterStartResumesTests {
    @Test func aLaterRunCommandFinishesAnInterruptedRun() async throws {
        let repo = try await GitFixture.committed([
            "workflows/crash.yaml": CrashRecoveryTests.workflow(branches: 2, length: 6, slowUntilFast: true),
            "workflows/hello.yaml":
                "id: hello\nsteps:\n  - id: a\n    tool: sire:local/log.write\n    params: { message: hi }\n",
        ])
        let log = repo.sandbox + "/steps.log"
        let process = try await SireBinary.start(["run", "crash", "--input", "log=\(log)"], in: repo.root)
        _ = await eventually(within: .seconds(30)) { CrashRecoveryTests.lines(log).count >= 4 }
        await process.stop()
        #expect(CrashRecoveryTests.lines(log).count < 12, "the run ended before it was stopped")
        try Data().write(to: URL(fileURLWithPath: log + ".fast"))
        try await Task.sleep(for: .milliseconds(600))
        let other = try await repo.sire("run", "hello")
        #expect(other.status == 0, "\(other)")
        #expect(other.stderr.contains("resumed interrupted run"), "\(other)")
        let failed = try await repo.sire("runs", "list", "--status", "running")
        #expect(failed.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "no runs", "\(failed)")
        let counts = Dictionary(grouping: CrashRecoveryTests.lines(log), by: { $0 }).mapValues(\.count)
        #expect(counts.count == 12)
    }
}

/// Several processes sharing one index from its first open: none may migrate it twice or take
/// over a run another live process has just started.
@Suite("processes sharing one index")
struct SharedIndexTests {
    @Test func fourShellsRunningAtOnceAllSucceed() async throws {
        let repo = try await GitFixture.committed([
            "workflows/q.yaml":
                "id: q\nsteps:\n  - id: a\n    tool: sire:local/log.write\n    params: { message: hi }\n"
        ])
        let (shells, runs) = (4, 10)
        var started: [ChildProcess] = []
        for index in 0..<shells {
            let log = repo.sandbox + "/shell-\(index).log"
            started.append(
                try await ChildProcess(
                    "/bin/sh", ["-c", "for i in $(seq \(runs)); do \"$SIRE\" run q || exit 1; done"], in: repo.root,
                    environment: SireBinary.environment(repo.root, ["SIRE": SireBinary.path]), output: log))
        }
        for (index, shell) in started.enumerated() {
            let log = (try? String(contentsOfFile: repo.sandbox + "/shell-\(index).log", encoding: .utf8)) ?? ""
            #expect(await shell.exit().code == 0, "shell \(index):\n\(log)")
        }
        let listed = try await repo.sire("runs", "list", "--json", "-n", "1000")
        let all = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(all.count == shells * runs, "\(listed)")
        #expect(all.allSatisfy { $0["status"] as? String == "succeeded" }, "\(listed)")
    }
}
