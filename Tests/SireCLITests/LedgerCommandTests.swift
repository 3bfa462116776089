import Foundation
import SireTestSupport
import Testing

@Suite("Ledger commands")
struct LedgerCommandTests {
    /// The lines of a commit's note in `ref` (default: its run records in every partition), via
    /// stock git; `[]` when it has none.
    static func notes(_ fixture: GitFixture, _ rev: String, ref: String? = nil, in directory: String? = nil)
        async -> [String]
    {
        guard let ref else { return (try? await fixture.runRecords(on: rev, in: directory)) ?? [] }
        let text = (try? await fixture.git(["notes", "--ref=\(ref)", "show", rev], in: directory)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    static func field(_ line: String, _ key: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            return nil
        }
        return object[key] as? String
    }

    @Test("sire-git run records the run in the ledger, on the commit it ran")
    func runIsRecorded() async throws {
        let fixture = try await GitFixture.committed(["workflows/hello.yaml": Workflows.valid("hello")])
        let result = try await fixture.sire("run", "hello")
        #expect(result.status == 0, "\(result)")

        let notes = await Self.notes(fixture, "HEAD")
        #expect(notes.count == 1)
        #expect(Self.field(notes[0], "workflow") == "hello")
        #expect(Self.field(notes[0], "status") == "succeeded")
        // The note's key is the commit; the compact record does not repeat it.
        #expect(Self.field(notes[0], "commit") == nil)
        let log = try await fixture.git(["log", "--notes=sire/*", "-1"])
        #expect(log.contains("Notes (sire/runs-"))
        #expect(log.contains("Notes (sire/summary):"))
        // No git identity configured (hermetic HOME): the notes commit is sire-git's.
        let partition = try #require(try await fixture.ledgerPartitions().first)
        #expect(
            try await fixture.git(["log", "-1", "--format=%an <%ae>", partition])
                == "sire-git <sire-git@localhost>")
    }

    @Test("check --write-note records what is valid at head")
    func checkWritesNote() async throws {
        let fixture = try await GitFixture.committed(["workflows/hello.yaml": Workflows.valid("hello")])
        try fixture.write("workflows/broken.yaml", Workflows.unknownBuiltin("broken"))
        try await fixture.commit("add a broken workflow")

        let result = try await fixture.sire("check", "--base", "HEAD~1", "--write-note")
        #expect(result.status == 1, "\(result)")

        let notes = await Self.notes(fixture, "HEAD", ref: "sire/checks")
        #expect(notes.count == 1)
        let record = try #require(try JSONSerialization.jsonObject(with: Data(notes[0].utf8)) as? [String: Any])
        #expect(record["kind"] as? String == "check")
        #expect(record["source"] as? String == "check")
        #expect(record["base"] as? String == (try await fixture.git("rev-parse HEAD~1")))
        let workflows = try #require(record["workflows"] as? [String: [String: Any]])
        #expect(workflows["hello"]?["valid"] as? Bool == true)
        #expect(workflows["broken"]?["valid"] as? Bool == false)
        let problems = try #require(workflows["broken"]?["diagnostics"] as? [[String: Any]])
        #expect(problems.first?["rule"] as? String == "unknown-builtin")
    }

    @Test("four processes writing 50 records each to one repository lose none")
    func concurrentWriters() async throws {
        let count = 50
        let fixture = try await GitFixture.committed(["workflows/hello.yaml": Workflows.valid("hello")])
        for index in 0..<3 { try await fixture.commit("base \(index)") }
        let made = try await shell(
            "for i in $(seq \(count)); do git commit --quiet --allow-empty -m c$i || exit 1; done;"
                + " git rev-list -\(count) HEAD",
            in: fixture.root)
        let commits = made.split(separator: "\n").map(String.init)
        try #require(commits.count == count)
        var bases: [String] = []
        for index in 0..<4 { bases.append(try await fixture.git("rev-parse HEAD~\(count + index)")) }

        // Each writer checks the same commits against its own base, so every record differs.
        var writers: [ChildProcess] = []
        for base in bases {
            let loop = commits.map { "\"$SIRE\" check --base \(base) --head \($0) --write-note >/dev/null || exit 1" }
            writers.append(try await startShell(loop.joined(separator: "\n"), in: fixture.root))
        }
        for writer in writers {
            #expect(await writer.exit().code == 0)
        }

        var total = 0
        for commit in commits {
            let lines = await Self.notes(fixture, commit, ref: "sire/checks")
            #expect(Set(lines.compactMap { Self.field($0, "base") }) == Set(bases), "commit \(commit)")
            total += lines.count
        }
        #expect(total == 4 * count)
    }

    @Test("four processes running workflows at once record every run once; a clone that fetched shows the same status")
    func concurrentRunsAndAClone() async throws {
        let fixture = try await GitFixture.committed(["workflows/hello.yaml": Workflows.valid("hello")])
        var writers: [ChildProcess] = []
        for _ in 0..<4 {
            let loop = (0..<6).map { _ in "\"$SIRE\" run hello >/dev/null || exit 1" }
            writers.append(try await startShell(loop.joined(separator: "\n"), in: fixture.root))
        }
        for writer in writers { #expect(await writer.exit().code == 0) }

        let head = try await fixture.git("rev-parse HEAD")
        let records = try await fixture.runRecords(on: head)
        #expect(records.count == 24)
        #expect(Set(records.compactMap { Self.field($0, "run") }).count == 24)
        let fsck = try await fixture.git(["fsck", "--strict", "--no-progress", "--no-dangling"])
        #expect(fsck.isEmpty, "\(fsck)")

        // A read-only clone with stock git's fetch of the ledger shows the same runs.
        let clone = fixture.sandbox + "/clone"
        try await fixture.git(["clone", "--quiet", fixture.root, clone], in: fixture.sandbox)
        try await fixture.git(["fetch", "--quiet", "origin", "refs/notes/sire/*:refs/notes/sire/*"], in: clone)
        func shown(_ directory: String) async throws -> [String: Any] {
            let status = try await SireBinary.run(["status", "--json", "--runs", "all"], in: directory)
            var json = try #require(
                try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any], "\(status)")
            json["in_progress"] = nil
            json["at"] = nil
            return json
        }
        let here = try await shown(fixture.root), there = try await shown(clone)
        #expect(here["runs_total"] as? Int == 24)
        #expect(NSDictionary(dictionary: here) == NSDictionary(dictionary: there))
    }

    @Test("notes sync between two clones leaves both with every record, retrying a refused push after a merge")
    func syncBetweenClones() async throws {
        let work = try await GitFixture.committed(["workflows/hello.yaml": Workflows.valid("hello")])
        try await work.commit("second")
        // A local push needs a bare remote, as a real server has.
        let origin = work.sandbox + "/origin.git", a = work.sandbox + "/a", b = work.sandbox + "/b"
        try await work.git(["clone", "--quiet", "--bare", work.root, origin], in: work.sandbox)
        try await work.git(["clone", "--quiet", origin, a], in: work.sandbox)
        try await work.git(["clone", "--quiet", origin, b], in: work.sandbox)

        #expect(try await SireBinary.run(["run", "hello"], in: a).status == 0)
        #expect(try await SireBinary.run(["run", "hello"], in: b).status == 0)
        #expect(try await SireBinary.run(["check", "--base", "HEAD~1", "--write-note"], in: a).status == 0)
        #expect(try await SireBinary.run(["check", "--base", "HEAD", "--write-note"], in: b).status == 0)

        let first = try await SireBinary.run(["notes", "sync"], in: a)
        #expect(first.status == 0, "\(first)")
        // b pushes without fetching: origin refuses (non-fast-forward), b merges and retries.
        let push = try await SireBinary.run(["notes", "push"], in: b)
        #expect(push.status == 0, "\(push)")
        #expect(push.stdout.contains("after merging"), "\(push)")
        let last = try await SireBinary.run(["notes", "sync", "origin"], in: a)
        #expect(last.status == 0, "\(last)")

        for directory in [a, b, origin] {
            let runs = await Self.notes(work, "HEAD", in: directory)
            #expect(runs.count == 2, "\(directory): \(runs)")
            #expect(Set(runs.compactMap { Self.field($0, "run") }).count == 2)
            let checks = await Self.notes(work, "HEAD", ref: "sire/checks", in: directory)
            #expect(checks.count == 2, "\(directory): \(checks)")
        }
        // The ledger moved by fast-forwards and merges only, so both clones end at origin's.
        let tip = try await work.git(["rev-parse", "refs/notes/sire/summary"], in: origin)
        #expect(try await work.git(["rev-parse", "refs/notes/sire/summary"], in: a) == tip)
        #expect(try await work.git(["merge-base", "--is-ancestor", "refs/notes/sire/summary", tip], in: b) == "")
        // Each clone wrote its own partition; the summaries add both up, wherever they are read.
        for directory in [a, b] {
            let status = try await SireBinary.run(["status", "--json"], in: directory)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
            #expect(json["runs_total"] as? Int == 2, "\(directory): \(status)")
            #expect((json["runs"] as? [Any])?.count == 2)
        }
    }

    @Test("reindex into an empty state directory reproduces runs list")
    func reindex() async throws {
        let fixture = try await GitFixture.committed(["workflows/hello.yaml": Workflows.valid("hello")])
        #expect(try await fixture.sire("run", "hello").status == 0)
        try await fixture.commit("second")
        #expect(try await fixture.sire("run", "hello").status == 0)
        let original = try await fixture.sire("runs", "list")
        #expect(original.lines.count == 2, "\(original)")

        let state = fixture.sandbox + "/fresh-state"
        let imported = try await fixture.sire("reindex", "--state", state)
        #expect(imported.status == 0, "\(imported)")
        #expect(imported.stdout.contains("imported 2 runs"))
        #expect(try await fixture.sire("runs", "list", "--state", state).stdout == original.stdout)
        let shown = try await fixture.sire(
            "runs", "show", "--state", state, String(original.lines[0].prefix { $0 != " " }))
        #expect(shown.status == 0, "\(shown)")
        #expect(shown.stdout.contains("greet"))

        let again = try await fixture.sire("reindex", "--state", state)
        #expect(again.stdout.contains("imported 0 runs, skipped 2"))
    }

    @Test("records carry inputs with secrets redacted; a rerun after reindex reuses them and asks for the hidden one")
    func inputsSurviveReindex() async throws {
        let secret = "tok-\(UUID().uuidString.prefix(8))"
        let fixture = try await GitFixture.committed([
            "workflows/greet.yaml": """
            id: greet
            inputs:
              who: { type: string, default: world }
              times: { type: integer, default: 2 }
              token: { type: string, default: none }
            steps:
              - id: say
                tool: sire:local/log.write
                params: { message: "hi {{ inputs.who }} x{{ inputs.times }} {{ len(inputs.token) }}" }

            """
        ])
        let ran = try await SireBinary.run(
            ["run", "greet", "--input", "who=ada", "--input", "token=\(secret)"], in: fixture.root,
            environment: ["SIRE_SECRET_TOKEN": secret])
        #expect(ran.status == 0, "\(ran)")
        let note = try #require(await Self.notes(fixture, "HEAD").first)
        #expect(!note.contains(secret), "the secret reached the ledger: \(note)")
        let record = try #require(try? JSONSerialization.jsonObject(with: Data(note.utf8)) as? [String: Any])
        let inputs = try #require(record["inputs"] as? [String: Any], "\(note)")
        #expect(
            inputs["who"] as? String == "ada" && inputs["times"] as? Int == 2 && inputs["token"] as? String == "***")
        #expect(record["redacted_inputs"] as? [String] == ["token"], "\(note)")

        // A fresh state (as in another clone): reindex, then rerun.
        let state = fixture.sandbox + "/fresh-state"
        #expect(try await fixture.sire("reindex", "--state", state).status == 0)
        let id = try #require(Self.field(note, "run"))
        let refused = try await fixture.sire("runs", "rerun", "--state", state, id)
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("'token'") && refused.stderr.contains("--input token=VALUE"), "\(refused)")
        let rerun = try await fixture.sire("runs", "rerun", "--state", state, id, "--input", "token=abc")
        #expect(rerun.status == 0, "\(rerun)")
        let rerunID = try #require(rerun.stdout.split(separator: " ").dropFirst().first.map(String.init), "\(rerun)")
        let logs = try await fixture.sire("runs", "logs", "--state", state, rerunID)
        #expect(logs.stdout.contains("hi ada x2 3"), "\(logs)")
    }

    @Test("runs with mocked tools are never recorded in the ledger")
    func mockedRunsAreNotRecorded() async throws {
        let fixture = try await GitFixture.committed(["workflows/hello.yaml": Workflows.valid("hello")])
        try fixture.write("mocks.yaml", "greet: { ok: true }\n")
        let mocked = try await fixture.sire("run", "hello", "--mock-file", fixture.root + "/mocks.yaml")
        #expect(mocked.status == 0, "\(mocked)")
        #expect(await Self.notes(fixture, "HEAD").isEmpty)
        #expect(try await fixture.sire("run", "hello").status == 0)
        #expect(await Self.notes(fixture, "HEAD").count == 1)
    }

    @Test("reindex refuses forged records: a bad run id, an unfinished status, a version 1 record of another commit")
    func reindexRefusesForgedRecords() async throws {
        let fixture = try await GitFixture.committed(["workflows/hello.yaml": Workflows.valid("hello")])
        #expect(try await fixture.sire("run", "hello").status == 0)
        let head = try await fixture.git("rev-parse HEAD")
        let partition = try #require(try await fixture.ledgerPartitions().first)
        let real = try await fixture.git(["notes", "--ref=\(partition)", "show", head])
        let id = try #require(Self.field(real, "run"))
        let forged = [
            real.replacingOccurrences(of: id, with: "../../escape"),
            real.replacingOccurrences(of: id, with: "20260101-000000-aaaaaa")
                .replacingOccurrences(of: #""status":"succeeded""#, with: #""status":"running""#),
        ]
        for line in forged { try await fixture.git(["notes", "--ref=\(partition)", "append", "-m", line, head]) }
        // A version 1 record names its commit; one naming another is not a record of this one.
        let other =
            #"{"blob":"","commit":"\#(String(repeating: "0", count: 40))","controller":"x","duration_ms":1,"#
            + #""finished_at":"2026-01-01T00:00:00.000Z","kind":"run","path":"workflows/hello.yaml","#
            + #""run":"20260101-000000-bbbbbb","status":"succeeded","steps":{},"tree":"","#
            + #""trigger":{"key":"","type":"manual"},"v":1,"workflow":"hello"}"#
        try await fixture.git(["notes", "--ref=sire/runs", "add", "-m", other, head])

        let state = fixture.sandbox + "/fresh-state"
        let result = try await fixture.sire("reindex", "--state", state)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("imported 1 run, skipped 0 already indexed and 2 invalid records"), "\(result)")
        #expect(result.stderr.contains("run '../../escape': not a run id"), "\(result)")
        #expect(result.stderr.contains("status 'running' is not a finished run's"), "\(result)")
        let listed = try await fixture.sire("runs", "list", "--state", state)
        #expect(listed.lines.count == 1 && listed.stdout.contains(id), "\(listed)")
    }
}

/// Runs `command` with `sh -c` in `directory`, with git's hermetic identity; returns stdout.
private func shell(_ command: String, in directory: String) async throws -> String {
    let result = try await ChildProcess.run(
        "/bin/sh", ["-c", command], in: directory, environment: shellEnvironment(directory))
    guard result.status == 0 else { throw CocoaError(.executableLoad) }
    return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
}

private func startShell(_ command: String, in directory: String) async throws -> ChildProcess {
    try await ChildProcess("/bin/sh", ["-c", command], in: directory, environment: shellEnvironment(directory))
}

private func shellEnvironment(_ directory: String) -> [String: String] {
    [
        "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": directory,
        "GIT_CONFIG_NOSYSTEM": "1", "TZ": "UTC", "SIRE": SireBinary.path,
        "GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.com", "GIT_COMMITTER_NAME": "C",
        "GIT_COMMITTER_EMAIL": "c@example.com",
    ]
}
