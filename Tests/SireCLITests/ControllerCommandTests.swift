import Foundation
import SireTestSupport
import Testing

/// `sire-git controller` end to end, as a user runs it: a real repository, the built binary,
/// commits made while it runs, the ledger read back with stock git.
@Suite("controller end to end", .serialized)
struct ControllerCommandTests {
    static func tick(message: String) -> String {
        """
        id: tick
        on:
          schedule:
            - cron: "* * * * * *"
        concurrency: { limit: 1, policy: skip }
        steps:
          - id: say
            tool: sire:local/log.write
            params: { message: "\(message)" }

        """
    }

    /// The run records in the ledger's partitions on `sha`, parsed.
    static func runNotes(_ repo: GitFixture, _ sha: String) async -> [[String: Any]] {
        let lines = (try? await repo.runRecords(on: sha)) ?? []
        return lines.compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    static func checkNote(_ repo: GitFixture, _ sha: String) async -> [String: Any]? {
        let text = (try? await repo.git(["notes", "--ref=sire/checks", "show", sha])) ?? ""
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }.first
    }

    static func stop(_ process: ChildProcess) async -> Int32 {
        await process.terminate(grace: .seconds(20)).code
    }

    @Test func scheduleFiresBrokenVersionKeepsTheOldOneAndDeletionStopsIt() async throws {
        let repo = try await GitFixture.committed(["workflows/tick.yaml": Self.tick(message: "v1")])
        let first = try await repo.git("rev-parse HEAD")
        let log = repo.sandbox + "/controller.log"
        let controller = try await SireBinary.start(
            ["controller", "--listen", "127.0.0.1:0"], in: repo.root, output: log)
        defer { controller.signal(SIGKILL) }

        // It fires every second; each finished run is recorded on the commit it was pinned to.
        let fired = await eventually(within: .seconds(20)) {
            await Self.runNotes(repo, first).contains {
                $0["workflow"] as? String == "tick" && $0["status"] as? String == "succeeded"
            }
        }
        #expect(fired, "no run recorded; log:\n\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        #expect(try await repo.git(["log", "--notes=sire/runs-*", "-1", first]).contains("\"workflow\":\"tick\""))

        // A broken version is attempted only: the old one keeps firing.
        try repo.write("workflows/tick.yaml", "id: tick\nsteps:\n  - id: say\n    tool: sire:local/log.wrte\n")
        let broken = try await repo.commit("break tick")
        let recorded = await eventually(within: .seconds(10)) { await Self.checkNote(repo, broken) != nil }
        #expect(recorded)
        let state = await (Self.checkNote(repo, broken)?["workflows"] as? [String: Any])?["tick"] as? [String: Any]
        #expect(state?["valid"] as? Bool == false)
        #expect(state?["applied_commit"] as? String == first)
        let before = await Self.runNotes(repo, first).count
        let kept = await eventually(within: .seconds(10)) { await Self.runNotes(repo, first).count >= before + 2 }
        #expect(kept, "the last good version stopped firing")
        await #expect(Self.runNotes(repo, broken).isEmpty)
        let status = try await repo.sire("status")
        #expect(status.status == 0, "\(status)")
        #expect(status.stdout.contains("workflows/tick.yaml:4:22: unknown built-in tool"), "\(status)")
        #expect(status.stdout.contains("attempted; last good \(first.prefix(7))"), "\(status)")

        // Deleted: it stops.
        try repo.remove("workflows/tick.yaml")
        try repo.write(
            "workflows/other.yaml",
            "id: other\nsteps:\n  - id: a\n    tool: sire:local/log.write\n    params: { message: hi }\n")
        let removed = try await repo.commit("remove tick")
        let retired = await eventually(within: .seconds(10)) {
            await (Self.checkNote(repo, removed)?["retired"] as? [String]) == ["tick"]
        }
        #expect(retired)
        try await Task.sleep(for: .milliseconds(1500))
        let settled = await Self.runNotes(repo, first).count
        try await Task.sleep(for: .milliseconds(2500))
        await #expect(Self.runNotes(repo, first).count == settled, "a retired workflow kept firing")

        #expect(await Self.stop(controller) == 0)
        // Every recorded run id is recorded once.
        let ids = await Self.runNotes(repo, first).compactMap { $0["run"] as? String }
        #expect(Set(ids).count == ids.count)

        // A fresh clone that fetched the ledger shows the same status as the controller's host.
        let clone = try await GitFixture()
        _ = try await clone.git([
            "fetch", "-q", repo.root, "main:refs/remotes/origin/main", "refs/notes/sire/*:refs/notes/sire/*",
        ])
        _ = try await clone.git(["reset", "-q", "--hard", "origin/main"])
        for sha in [first, broken, removed] {
            let here = try await repo.sire("status", sha, "--at", "2026-11-22T00:00:00Z")
            let there = try await clone.sire("status", sha, "--at", "2026-11-22T00:00:00Z")
            #expect(here.status == 0 && there.status == 0, "\(here)\n\(there)")
            #expect(here.stdout == there.stdout)
            let hereJSON = try await repo.sire("status", sha, "--json", "--at", "2026-11-22T00:00:00Z")
            let thereJSON = try await clone.sire("status", sha, "--json", "--at", "2026-11-22T00:00:00Z")
            #expect(hereJSON.stdout == thereJSON.stdout)
        }
        #expect(try await repo.sire("status", first).stdout.contains("tick"))
    }

    @Test func killedControllerResumesThePushRunAndRecordsItOnce() async throws {
        let repo = try await GitFixture()
        let stepLog = repo.sandbox + "/steps.log"
        try repo.write("workflows/slow.yaml", Self.slowWorkflow(log: stepLog))
        try repo.write("data/a.txt", "1\n")
        _ = try await repo.commit("slow workflow")
        let log = repo.sandbox + "/controller.log"
        var controller = try await SireBinary.start(
            ["controller", "--listen", "127.0.0.1:0"], in: repo.root, output: log)
        let reconciled = await eventually(within: .seconds(15)) {
            await Self.checkNote(repo, (try? await repo.git("rev-parse HEAD")) ?? "") != nil
        }
        #expect(reconciled)

        // A push that matches `data/**` starts a run; kill the controller in its middle.
        try repo.write("data/a.txt", "2\n")
        let pushed = try await repo.commit("new data")
        let started = await eventually(within: .seconds(15)) {
            ((try? String(contentsOfFile: stepLog, encoding: .utf8)) ?? "").contains("first")
        }
        #expect(
            started, "the push run did not start; log:\n\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        // `first` has written its line; wait until its completion is committed too (a kill
        // between the two would rightly run it again: steps are at least once).
        let committed = await eventually(within: .seconds(15)) { await Self.stepStatus(repo, "first") == "succeeded" }
        #expect(committed)
        await controller.stop()
        await #expect(Self.runNotes(repo, pushed).isEmpty)

        // Restarted, it resumes the run: the completed step does not run again; one record.
        _ = FileManager.default.createFile(atPath: stepLog + ".go", contents: nil)
        controller = try await SireBinary.start(["controller", "--once"], in: repo.root, output: log)
        let finished = await controller.exit(within: .seconds(30))
        #expect(finished?.code == 0)
        let notes = await Self.runNotes(repo, pushed)
        #expect(notes.count == 1, "\(notes)")
        #expect(notes.first?["status"] as? String == "succeeded")
        #expect(notes.first?["on"] as? String == "push")
        let lines = ((try? String(contentsOfFile: stepLog, encoding: .utf8)) ?? "").split(separator: "\n")
        #expect(lines.filter { $0 == "first" }.count == 1, "\(lines)")
        // `second` was running when the controller died: it runs again (at least once; the
        // orphaned first attempt may also have finished its echo).
        #expect((1...2).contains(lines.filter { $0 == "second" }.count), "\(lines)")

        // Once more: nothing new, still one record.
        let again = try await SireBinary.run(["controller", "--once"], in: repo.root)
        #expect(again.status == 0, "\(again)")
        await #expect(Self.runNotes(repo, pushed).count == 1)
    }

    @Test func sigtermLetsTheExecutingRunFinishAndRecordsIt() async throws {
        let repo = try await GitFixture()
        let stepLog = repo.sandbox + "/steps.log"
        try repo.write("workflows/slow.yaml", Self.slowWorkflow(log: stepLog))
        try repo.write("data/a.txt", "1\n")
        _ = try await repo.commit("slow workflow")
        let log = repo.sandbox + "/controller.log"
        let controller = try await SireBinary.start(
            ["controller", "--listen", "127.0.0.1:0", "--drain-timeout", "20s"], in: repo.root, output: log)
        defer { controller.signal(SIGKILL) }
        #expect(
            await eventually(within: .seconds(15)) {
                await Self.checkNote(repo, (try? await repo.git("rev-parse HEAD")) ?? "") != nil
            })
        try repo.write("data/a.txt", "2\n")
        let pushed = try await repo.commit("new data")
        #expect(
            await eventually(within: .seconds(15)) {
                ((try? String(contentsOfFile: stepLog, encoding: .utf8)) ?? "").contains("first")
            })
        // SIGTERM while `second` runs: the controller waits for the run, records it, exits 0.
        controller.signal(SIGTERM)
        try await Task.sleep(for: .milliseconds(200))
        _ = FileManager.default.createFile(atPath: stepLog + ".go", contents: nil)
        #expect(await controller.exit(within: .seconds(30))?.code == 0)
        let lines = ((try? String(contentsOfFile: stepLog, encoding: .utf8)) ?? "").split(separator: "\n")
        #expect(lines == ["first", "second"])
        let notes = await Self.runNotes(repo, pushed)
        #expect(notes.count == 1)
        #expect(notes.first?["status"] as? String == "succeeded")
    }

    @Test func sigtermStopsControllerOnceGracefully() async throws {
        let repo = try await GitFixture()
        let stepLog = repo.sandbox + "/steps.log"
        try repo.write("workflows/slow.yaml", Self.slowWorkflow(log: stepLog))
        try repo.write("data/a.txt", "1\n")
        _ = try await repo.commit("slow workflow")
        #expect(try await SireBinary.run(["controller", "--once"], in: repo.root).status == 0)
        try repo.write("data/a.txt", "2\n")
        _ = try await repo.commit("new data")
        let controller = try await SireBinary.start(
            ["controller", "--once", "--drain-timeout", "1s"], in: repo.root, output: repo.sandbox + "/once.log")
        defer { controller.signal(SIGKILL) }
        #expect(
            await eventually(within: .seconds(15)) {
                ((try? String(contentsOfFile: stepLog, encoding: .utf8)) ?? "").contains("first")
            })
        // `second` waits for a file that never comes: SIGTERM gives it the 1 s grace, then the
        // controller stops it (resumable) and exits 0 instead of waiting 30 s.
        controller.signal(SIGTERM)
        #expect(await controller.exit(within: .seconds(15))?.code == 0)
        let running = try await repo.sire("runs", "list", "--status", "running")
        #expect(running.stdout.contains("slow"), "\(running)")
        _ = FileManager.default.createFile(atPath: stepLog + ".go", contents: nil)
        let resumed = try await repo.sire("runs", "resume")
        #expect(resumed.status == 0, "\(resumed)")
        let lines = ((try? String(contentsOfFile: stepLog, encoding: .utf8)) ?? "").split(separator: "\n")
        #expect(lines == ["first", "second"])
    }

    /// `curl` against the controller's API, as a user would: status code and body.
    static func curl(_ arguments: [String]) async throws -> (status: Int, body: String) {
        let text = try await ChildProcess.run(
            ChildProcess.which("curl"), ["-s", "-o", "-", "-w", "\n%{http_code}"] + arguments
        ).stdout
        let split = text.range(of: "\n", options: .backwards)!
        return (Int(text[split.upperBound...]) ?? 0, String(text[..<split.lowerBound]))
    }

    /// Parses Prometheus text with `prometheus_client.parser`; prints one family name a line.
    static func parsePrometheus(_ text: String) async throws -> (status: Int32, output: String) {
        let result = try await ChildProcess.run(
            TestPython.path,
            [
                "-c",
                "import sys\nfrom prometheus_client.parser import text_string_to_metric_families as f\n"
                    + "for m in f(sys.stdin.read()): print(m.name)",
            ], input: text)
        return (result.status, result.stdout + result.stderr)
    }

    @Test func httpAPIServesMetricsTriggersAndStatus() async throws {
        let repo = try await GitFixture.committed([
            "workflows/ping.yaml":
                "id: ping\non:\n  http: {}\ninputs:\n  who: { type: string, required: true }\nsteps:\n  - id: say\n    tool: sire:local/log.write\n    params: { message: \"hi {{ inputs.who }}\" }\n"
        ])
        let log = repo.sandbox + "/controller.log"
        let controller = try await SireBinary.start(
            ["controller", "--listen", "127.0.0.1:0"], in: repo.root, output: log)
        defer { controller.signal(SIGKILL) }
        let port = await listeningPort(log)
        #expect(port > 0, "no listening line; log:\n\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        let base = "http://127.0.0.1:\(port)"
        #expect(await eventually(within: .seconds(10)) { (try? await Self.curl([base + "/readyz"]))?.status == 200 })

        let json = ["-H", "Content-Type: application/json"]
        let bad = try await Self.curl(json + ["-X", "POST", base + "/v1/workflows/ping/runs", "-d", #"{"inputs":{}}"#])
        #expect(bad.status == 422, "\(bad)")
        #expect(bad.body.contains(#""error""#))
        let ran = try await Self.curl(
            json + [
                "-X", "POST", base + "/v1/workflows/ping/runs?wait=10s", "-d", #"{"inputs":{"who":"api"}}"#,
            ])
        #expect(ran.status == 200 || ran.status == 201, "\(ran)")
        #expect(ran.body.contains("succeeded"), "\(ran)")

        let metrics = try await Self.curl([base + "/metrics"])
        #expect(metrics.status == 200)
        for name in ["sire_runs_total", "sire_reconciles_total", "sire_http_requests_total"] {
            #expect(metrics.body.contains(name), "\(name) missing from /metrics")
        }
        // Valid exposition text for the reference parser (Python prometheus_client).
        let parsed = try await Self.parsePrometheus(metrics.body)
        #expect(parsed.status == 0, "\(parsed.output)")
        for family in ["sire_runs", "sire_reconciles", "sire_http_requests", "sire_step_duration_seconds"] {
            #expect(parsed.output.split(separator: "\n").contains(Substring(family)), "\(family): \(parsed.output)")
        }
        let head = try await repo.git("rev-parse HEAD")
        let status = try await Self.curl([base + "/v1/commits/\(head)/status"])
        #expect(status.status == 200)
        #expect(status.body.contains(#""ping""#))
        #expect(await Self.stop(controller) == 0)
    }

    @Test func urlSourceIsFetchedIntoAMirrorAndReconciled() async throws {
        let origin = try await GitFixture(bare: true)
        let work = try await GitFixture()
        try work.write(
            "workflows/hello.yaml",
            "id: hello\nsteps:\n  - id: a\n    tool: sire:local/log.write\n    params: { message: hi }\n")
        let first = try await work.commit("hello")
        _ = try await work.git(["push", "-q", origin.root, "main"])
        let state = work.sandbox + "/controller-state"
        let url = "file://" + origin.root

        let once = try await SireBinary.run(
            ["controller", "--repo", url, "--state", state, "--once"], in: work.sandbox)
        #expect(once.status == 0, "\(once)")
        let mirror = state + "/mirror.git"
        let note = try await work.git(["--git-dir", mirror, "notes", "--ref=sire/checks", "show", first])
        #expect(note.contains("\"hello\""), "\(note)")

        // A new commit on the remote is fetched and reconciled on the next pass.
        try work.write("workflows/hello.yaml", "id: hello\nsteps: [[\n")
        let second = try await work.commit("break hello")
        _ = try await work.git(["push", "-q", origin.root, "main"])
        let again = try await SireBinary.run(
            ["controller", "--repo", url, "--state", state, "--once"], in: work.sandbox)
        #expect(again.status == 0, "\(again)")
        let broken = try await work.git(["--git-dir", mirror, "notes", "--ref=sire/checks", "show", second])
        #expect(broken.contains("\"valid\":false"), "\(broken)")
    }

    @Test func badSourceIsAClearError() async throws {
        let dir = try await GitFixture()
        let missing = try await SireBinary.run(
            ["controller", "--repo", "file:///nonexistent/repo.git", "--state", dir.sandbox + "/s", "--once"],
            in: dir.sandbox)
        #expect(missing.status == 3, "\(missing)")
        #expect(missing.stderr.contains("cannot fetch file:///nonexistent/repo.git"), "\(missing)")
        let interval = try await SireBinary.run(["controller", "--interval", "soon", "--once"], in: dir.root)
        #expect(interval.status == 2, "\(interval)")
        #expect(interval.stderr.contains("--interval"), "\(interval)")
    }

    /// A push-triggered workflow whose steps append to a log outside the repository; `second`
    /// waits (at most 30 s) until the test creates `LOG.go`, so it is surely running when the
    /// test stops the controller.
    /// The status of step `step` in the newest run, read from the index by another process.
    static func stepStatus(_ repo: GitFixture, _ step: String) async -> String? {
        func json(_ arguments: String...) async -> Any? {
            guard let result = try? await repo.sire(arguments), result.status == 0 else { return nil }
            return try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        }
        guard let list = await json("runs", "list", "--json") as? [[String: Any]],
            let id = list.first?["id"] as? String,
            let run = await json("runs", "show", id, "--json") as? [String: Any],
            let steps = run["steps"] as? [String: [String: Any]]
        else { return nil }
        return steps[step]?["status"] as? String
    }

    static func slowWorkflow(log: String) -> String {
        """
        id: slow
        inputs:
          log: { type: string, default: "\(log)" }
        on:
          push: { paths: ["data/**"] }
        steps:
          - id: first
            tool: sire:local/shell.run
            params: { argv: [sh, -c, "echo first >> \\"$0\\"", "{{ inputs.log }}"] }
          - id: second
            needs: [first]
            tool: sire:local/shell.run
            params: { argv: [sh, -c, "for i in $(seq 600); do [ -e \\"$0.go\\" ] && break; sleep 0.05; done; echo second >> \\"$0\\"", "{{ inputs.log }}"] }

        """
    }
}
