import Foundation
import SireTestSupport
import Testing

@Suite("sire-git status and log")
struct StatusCommandTests {
    static let at = "2026-03-28T12:00:00Z"

    static func checkLine(
        _ commit: String, workflows: String = "{}", refused: String? = nil, retired: [String] = []
    ) -> String {
        var fields = [
            "\"v\":1", "\"kind\":\"check\"", "\"commit\":\"\(commit)\"", "\"tree\":\"\"", "\"tool_version\":\"0.1.0\"",
            "\"source\":\"controller\"", "\"at\":\"2026-03-28T10:00:00.000Z\"", "\"workflows\":\(workflows)",
        ]
        if let refused { fields.append("\"refused\":\"\(refused)\"") }
        if !retired.isEmpty { fields.append("\"retired\":[\(retired.map { "\"\($0)\"" }.joined(separator: ","))]") }
        return "{" + fields.joined(separator: ",") + "}"
    }

    static func runLine(
        _ id: String, commit: String, status: String, started: String, failedStep: String? = nil
    ) -> String {
        let steps =
            failedStep.map {
                "{\"\($0)\":{\"status\":\"failed\",\"attempts\":2,\"duration_ms\":10,\"error\":\"boom\"}}"
            } ?? "{\"greet\":{\"status\":\"succeeded\",\"attempts\":1,\"duration_ms\":3}}"
        return """
            {"v":1,"kind":"run","run":"\(id)","workflow":"hello","path":"workflows/hello.yaml","blob":"",\
            "commit":"\(commit)","tree":"","trigger":{"type":"schedule","key":"t1"},"status":"\(status)",\
            "started_at":"\(started)","finished_at":"\(started)","duration_ms":2500,"steps":\(steps),\
            "controller":"host:1:x"}
            """
    }

    /// Attaches `lines` to `commit` in a ledger ref with stock git, as another tool would.
    static func note(_ fixture: GitFixture, _ ref: String, _ commit: String, _ lines: [String]) async throws {
        for line in lines {
            try await fixture.git(["notes", "--ref=\(ref)", "append", "-m", line, commit])
        }
    }

    /// A repository whose head has one applied workflow with a Paris schedule, one invalid
    /// workflow still running its last good version, and two runs in the ledger.
    static func ledgerFixture() async throws -> (GitFixture, good: String, head: String) {
        let fixture = try await GitFixture()
        try fixture.write(
            "workflows/hello.yaml", Workflows.valid("hello", cron: "30 2 * * *", timezone: "Europe/Paris"))
        try fixture.write("workflows/broken.yaml", Workflows.valid("broken"))
        let good = try await fixture.commit("good")
        let goodBlob = try await fixture.git("rev-parse HEAD:workflows/broken.yaml")
        try fixture.write("workflows/broken.yaml", Workflows.unknownBuiltin("broken"))
        let head = try await fixture.commit("break one")
        let badBlob = try await fixture.git("rev-parse HEAD:workflows/broken.yaml")
        try await note(fixture, "sire/checks", good, [checkLine(good)])
        try await note(
            fixture, "sire/checks", head,
            [
                checkLine(
                    head,
                    workflows: """
                        {"broken":{"path":"workflows/broken.yaml","blob":"\(badBlob)","valid":false,"diagnostics":[],\
                        "applied_commit":"\(good)","applied_blob":"\(goodBlob)"}}
                        """)
            ])
        try await note(
            fixture, "sire/runs", head,
            [
                runLine("run-1", commit: head, status: "succeeded", started: "2026-03-28T09:00:00.000Z"),
                runLine(
                    "run-2", commit: head, status: "failed", started: "2026-03-28T10:00:00.000Z", failedStep: "greet"),
            ])
        return (fixture, good, head)
    }

    @Test("text status shows workflows, deployment, diagnostics, schedules and runs")
    func text() async throws {
        let (fixture, good, head) = try await Self.ledgerFixture()
        let result = try await fixture.sire(["status", "--at", Self.at])
        #expect(result.status == 0, "\(result)")
        let short = String(head.prefix(7))
        #expect(result.lines.first == "commit \(short) break one [main]")
        let text = result.stdout
        #expect(text.contains("\n  reconciled 2026-03-28T10:00:00.000Z (sire-git 0.1.0)\n"))
        #expect(text.contains("✗  broken  workflows/broken.yaml"))
        #expect(text.contains("attempted; last good \(good.prefix(7)) blob "))
        #expect(text.contains("      workflows/broken.yaml:4:22: "))
        #expect(text.contains("[unknown-builtin]"))
        #expect(text.contains("✓  hello   workflows/hello.yaml"))
        #expect(text.contains("applied"))
        #expect(
            text.contains(
                "schedule \"30 2 * * *\" Europe/Paris: next 2026-03-29T03:00:00+02:00 (in 13h 0m)"))
        #expect(text.contains("runs (2)"))
        let runLines = result.lines.filter { $0.contains("run-") }
        #expect(runLines.count == 2)
        #expect(runLines.first?.hasPrefix("  ✗  run-2  hello  schedule t1  2026-03-28T10:00:00.000Z  2.5s") == true)
        #expect(runLines.last?.hasPrefix("  ✓  run-1") == true)
        #expect(text.contains("      step greet: boom (2 attempts)"))
        #expect(!text.contains("in progress"))
    }

    @Test("--json is the commit status as data")
    func json() async throws {
        let (fixture, good, head) = try await Self.ledgerFixture()
        let result = try await fixture.sire(["status", "HEAD", "--json", "--at", Self.at])
        #expect(result.status == 0, "\(result)")
        let object = try result.jsonObject()
        let commit = try #require(object["commit"] as? [String: Any])
        #expect(commit["sha"] as? String == head)
        #expect(object["branch"] as? String == "main")
        #expect(object["at"] as? String == Self.at)
        let workflows = try #require(object["workflows"] as? [[String: Any]])
        #expect(workflows.map { $0["id"] as? String } == ["broken", "hello"])
        let broken = try #require(workflows[0]["deployment"] as? [String: Any])
        #expect(broken["state"] as? String == "attempted")
        #expect(broken["applied_commit"] as? String == good)
        let diagnostics = try #require(workflows[0]["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.first?["line"] as? Int == 4)
        #expect(diagnostics.first?["column"] as? Int == 22)
        #expect(diagnostics.first?["rule"] as? String == "unknown-builtin")
        let schedules = try #require(workflows[1]["schedules"] as? [[String: Any]])
        #expect(schedules.first?["timezone"] as? String == "Europe/Paris")
        #expect((schedules.first?["next"] as? [String])?.first == "2026-03-29T03:00:00+02:00")
        let runs = try #require(object["runs"] as? [[String: Any]])
        #expect(runs.map { $0["id"] as? String } == ["run-2", "run-1"])
        #expect((runs[0]["failed_steps"] as? [[String: Any]])?.first?["error"] as? String == "boom")
        #expect((object["in_progress"] as? [Any])?.isEmpty == true)
    }

    @Test("a fresh clone that fetched the ledger shows exactly what the controller's host shows")
    func freshClone() async throws {
        let (fixture, good, _) = try await Self.ledgerFixture()
        // The original has an index with a finished run, as a controller's host would; the run is
        // also in the ledger, so the clone shows it too.
        let ran = try await fixture.sire(["run", "hello"])
        #expect(ran.status == 0, "\(ran)")
        #expect(FileManager.default.fileExists(atPath: fixture.root + "/.git/sire/index.sqlite"))

        let clone = fixture.sandbox + "/clone"
        try await fixture.git(["clone", "--quiet", fixture.root, clone], in: fixture.sandbox)
        try await fixture.git(["fetch", "--quiet", "origin", "refs/notes/sire/*:refs/notes/sire/*"], in: clone)

        let cases: [([String], String)] = [
            (["status"], "run-2"), (["status", "--json"], "run-2"), (["status", good], "applied"),
            (["status", good, "--json"], "applied"), (["log"], "runs 2✓ 1✗"), (["log", "--json"], "failed"),
        ]
        for (arguments, marker) in cases {
            let full = arguments[0] == "status" ? arguments + ["--at", Self.at] : arguments
            let original = try await SireBinary.run(full, in: fixture.root)
            let cloned = try await SireBinary.run(full, in: clone)
            #expect(original.status == 0, "\(original)")
            #expect(cloned.status == 0, "\(cloned)")
            #expect(cloned.stdout == original.stdout, "\(arguments)")
            #expect(original.stdout.contains(marker), "\(arguments): \(original.stdout)")
        }
        #expect(!FileManager.default.fileExists(atPath: clone + "/.git/sire/index.sqlite"))
    }

    @Test("a commit nobody reconciled says so")
    func notReconciled() async throws {
        let fixture = try await GitFixture.committed(["workflows/hello.yaml": Workflows.valid("hello")])
        let result = try await fixture.sire(["status", "--at", Self.at])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("not reconciled: no controller record for this commit"))
        #expect(result.stdout.contains("✓  hello  workflows/hello.yaml"))
        #expect(result.stdout.contains("runs: none"))
    }

    @Test("a bad revision or time is a usage error")
    func badInput() async throws {
        let fixture = try await GitFixture.committed(["workflows/hello.yaml": Workflows.valid("hello")])
        #expect(try await fixture.sire(["status", "nope"]).status == 2)
        #expect(try await fixture.sire(["status", "--at", "yesterday"]).status == 2)
        #expect(try await fixture.sire(["log", "nope..HEAD"]).status == 2)
    }

    @Test("log shows check and run badges per commit")
    func log() async throws {
        let fixture = try await GitFixture()
        try fixture.write("workflows/hello.yaml", Workflows.valid("hello"))
        let first = try await fixture.commit("first")
        try fixture.write("workflows/bad.yaml", Workflows.unknownBuiltin("bad"))
        let second = try await fixture.commit("second")
        try fixture.remove("workflows/bad.yaml")
        try fixture.remove("workflows/hello.yaml")
        let third = try await fixture.commit("third")
        try fixture.write("workflows/hello.yaml", Workflows.valid("hello"))
        let fourth = try await fixture.commit("fourth")

        try await Self.note(fixture, "sire/checks", first, [Self.checkLine(first)])
        try await Self.note(
            fixture, "sire/runs", first,
            [
                Self.runLine("r1", commit: first, status: "succeeded", started: "2026-03-28T09:00:00.000Z"),
                Self.runLine("r2", commit: first, status: "succeeded", started: "2026-03-28T09:01:00.000Z"),
                Self.runLine("r3", commit: first, status: "failed", started: "2026-03-28T09:02:00.000Z"),
            ])
        try await Self.note(
            fixture, "sire/checks", second,
            [
                Self.checkLine(
                    second,
                    workflows: #"{"bad":{"path":"workflows/bad.yaml","blob":"","valid":false,"diagnostics":[]}}"#)
            ])
        try await Self.note(fixture, "sire/checks", third, [Self.checkLine(third, refused: "removes every workflow")])

        let result = try await fixture.sire(["log"])
        #expect(result.status == 0, "\(result)")
        // Badge columns are aligned: the widest check badge is "✗ 1 invalid", the widest runs badge "runs 2✓ 1✗".
        func line(_ sha: String, _ check: String, _ runs: String, _ subject: String) -> String {
            let check = check + String(repeating: " ", count: 11 - check.count)
            let runs = runs + String(repeating: " ", count: 10 - runs.count)
            return "\(sha.prefix(7))  \(check)  \(runs)  \(subject)"
        }
        #expect(
            result.lines == [
                line(fourth, "·", "", "fourth"), line(third, "⊘ refused", "", "third"),
                line(second, "✗ 1 invalid", "", "second"), line(first, "✓", "runs 2✓ 1✗", "first"),
            ])

        let limited = try await fixture.sire(["log", "-n", "2", "--json"])
        #expect(limited.status == 0, "\(limited)")
        let entries = try #require(
            try JSONSerialization.jsonObject(with: Data(limited.stdout.utf8)) as? [[String: Any]])
        #expect(entries.count == 2)
        #expect(entries[1]["check"] as? String == "refused")

        let range = try await fixture.sire(["log", "\(first)..\(third)", "--json"])
        let ranged = try #require(try JSONSerialization.jsonObject(with: Data(range.stdout.utf8)) as? [[String: Any]])
        #expect(ranged.map { ($0["commit"] as? [String: Any])?["sha"] as? String } == [third, second])
        #expect(ranged[1]["invalid"] as? Int == 1)
    }

    @Test("log --first-parent leaves out commits merged from a side branch")
    func firstParent() async throws {
        let fixture = try await GitFixture.committed(["workflows/hello.yaml": Workflows.valid("hello")])
        try await fixture.git("checkout --quiet -b side")
        try fixture.write("data/side.txt", "side")
        try await fixture.commit("on the side")
        try await fixture.git("checkout --quiet main")
        try await fixture.git(["merge", "--quiet", "--no-ff", "-m", "merge side", "side"])
        let all = try await fixture.sire(["log"]).lines.map { $0.split(separator: " ").last.map(String.init) ?? "" }
        #expect(all.contains("side"))
        let first = try await fixture.sire(["log", "--first-parent"])
        #expect(first.status == 0, "\(first)")
        #expect(first.lines.count == 2)
        #expect(!first.stdout.contains("on the side"))
    }
}
