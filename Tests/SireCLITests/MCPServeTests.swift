import Foundation
import SireTestSupport
import Testing

/// `sire-git mcp` driven by the Python `mcp` package's client over stdio, as an agent would:
/// listing the tools, validating YAML, starting runs and following them, cancelling, reading
/// commit status.
@Suite("sire-git mcp over stdio", .serialized)
struct MCPServeTests {
    static let workflows = [
        "workflows/hello.yaml": """
        id: hello
        inputs:
          name: { type: string, default: world }
        steps:
          - id: greet
            tool: sire:local/log.write
            params: { message: "hello {{ inputs.name }}" }
          - id: shout
            needs: [greet]
            tool: sire:local/shell.run
            params: { argv: [sh, -c, "echo HELLO {{ inputs.name }}"] }

        """,
        "workflows/slow.yaml": """
        id: slow
        steps:
          - id: nap
            tool: sire:local/time.sleep
            params: { duration: 1500ms }
          - id: after
            needs: [nap]
            tool: sire:local/log.write
            params: { message: "woke up" }

        """,
    ]

    /// Runs the client against `sire-git mcp` in `repo`.
    private func client(_ repo: GitFixture, _ operations: String) async throws -> [[String: Any]] {
        try await MCPClientPeer.run(
            ["stdio", "--", SireBinary.path, "mcp", "--repo", repo.root], operations: operations, in: repo.root)
    }

    private func structured(_ result: [String: Any]) throws -> [String: Any] {
        #expect(result["isError"] as? Bool == false, "\(result)")
        return try #require(result["structured"] as? [String: Any], "\(result)")
    }

    @Test func listsSixToolsWithClosedInputSchemasAndOutputSchemas() async throws {
        let repo = try await GitFixture.committed(Self.workflows)
        let results = try await client(repo, #"[{"op": "list"}]"#)
        let tools = try #require(results.first?["tools"] as? [[String: Any]])
        #expect(
            tools.compactMap { $0["name"] as? String }
                == ["list_workflows", "validate", "run_workflow", "get_run", "cancel_run", "commit_status"])
        for tool in tools {
            let input = try #require(tool["inputSchema"] as? [String: Any])
            #expect(input["type"] as? String == "object")
            #expect(input["additionalProperties"] as? Bool == false, "\(tool["name"]!)")
            let output = try #require(tool["outputSchema"] as? [String: Any], "\(tool["name"]!)")
            #expect(output["type"] as? String == "object")
        }
        let run = try #require(tools.first { $0["name"] as? String == "run_workflow" })
        let input = try #require(run["inputSchema"] as? [String: Any])
        #expect(input["required"] as? [String] == ["workflow"])
        let properties = try #require(input["properties"] as? [String: Any])
        #expect(Set(properties.keys) == ["workflow", "inputs", "rev", "wait_seconds", "idempotency_key"])
        let annotations = try #require(run["annotations"] as? [String: Any])
        #expect(annotations["readOnlyHint"] as? Bool == false)
        let status = try #require(tools.first { $0["name"] as? String == "commit_status" })
        #expect((status["annotations"] as? [String: Any])?["readOnlyHint"] as? Bool == true)
    }

    @Test func startsARunAndWatchesItToTheEndThenTheLedgerHoldsIt() async throws {
        let repo = try await GitFixture.committed(Self.workflows)
        let head = try await repo.git("rev-parse HEAD")
        let results = try await client(
            repo,
            """
            [{"op": "call", "tool": "run_workflow", "args": {"workflow": "hello", "inputs": {"name": "ada"}}},
             {"op": "watch"}]
            """)
        let started = try structured(results[0])
        #expect(started["launch"] as? String == "started")
        #expect(started["commit"] as? String == head)
        #expect((started["trigger"] as? [String: Any])?["type"] as? String == "mcp")
        let id = try #require(started["id"] as? String)
        let watched = results[1]
        let final = try #require(watched["final"] as? [String: Any])
        #expect(final["status"] as? String == "succeeded", "\(final)")
        let steps = try #require(final["steps"] as? [String: [String: Any]])
        #expect((steps["greet"]?["output"] as? [String: Any])?["message"] as? String == "hello ada")
        #expect(((steps["shout"]?["output"] as? [String: Any])?["stdout"] as? String)?.contains("HELLO ada") == true)
        let events = try #require(watched["events"] as? [[String: Any]])
        let kinds = events.compactMap { event -> String? in
            guard let kind = event["kind"] as? String else { return nil }
            return (event["step"] as? String).map { "\(kind) \($0)" } ?? kind
        }
        #expect(kinds.contains("step.succeeded greet"))
        #expect(kinds.contains("step.succeeded shout"))
        #expect(kinds.last == "run.finished")
        let seqs = events.compactMap { $0["seq"] as? Int }
        #expect(seqs == seqs.sorted() && Set(seqs).count == seqs.count, "events repeat or go back: \(seqs)")
        #expect(events.contains { ($0["data"] as? [String: Any])?["message"] as? String == "hello ada" })
        // The run is in the index and, once the server has gone, in the ledger of its commit.
        let shown = try await repo.sire("runs", "show", id, "--json")
        #expect(shown.status == 0, "\(shown)")
        let note = try await repo.runRecords(on: head).joined(separator: "\n")
        #expect(note.contains(id))
        #expect(note.contains(#""status":"succeeded""#))
    }

    @Test func waitsForARunWithProgressAndPinsTheRequestedRevision() async throws {
        let repo = try await GitFixture.committed(Self.workflows)
        let first = try await repo.git("rev-parse HEAD")
        try repo.write(
            "workflows/hello.yaml",
            Self.workflows["workflows/hello.yaml"]!.replacingOccurrences(of: "hello {{", with: "bonjour {{"))
        try await repo.commit("french")
        let results = try await client(
            repo,
            """
            [{"op": "call", "tool": "run_workflow", "args": {"workflow": "hello", "wait_seconds": 30}, "progress": true},
             {"op": "call", "tool": "run_workflow",
              "args": {"workflow": "workflows/hello.yaml", "rev": "HEAD~1", "inputs": {"name": "old"}, "wait_seconds": 30}}]
            """)
        let now = try structured(results[0])
        #expect(now["status"] as? String == "succeeded", "\(now)")
        let steps = try #require(now["steps"] as? [String: [String: Any]])
        #expect((steps["greet"]?["output"] as? [String: Any])?["message"] as? String == "bonjour world")
        let progress = try #require(results[0]["progress"] as? [String])
        #expect(progress.contains("step.succeeded greet"), "\(progress)")
        #expect(progress.contains("log greet: bonjour world"), "\(progress)")
        #expect(progress.last == "run.finished", "\(progress)")
        let old = try structured(results[1])
        #expect(old["commit"] as? String == first)
        #expect(old["status"] as? String == "succeeded")
        let oldSteps = try #require(old["steps"] as? [String: [String: Any]])
        #expect((oldSteps["greet"]?["output"] as? [String: Any])?["message"] as? String == "hello old")
    }

    @Test func aRetriedCallWithTheSameIdempotencyKeyGetsTheSameRun() async throws {
        let repo = try await GitFixture.committed(Self.workflows)
        let call =
            #"{"op": "call", "tool": "run_workflow", "args": {"workflow": "hello", "idempotency_key": "agent-42", "wait_seconds": 20}}"#
        let results = try await client(
            repo,
            """
            [\(call), \(call),
             {"op": "call", "tool": "run_workflow", "args": {"workflow": "hello", "idempotency_key": "agent-43"}}]
            """)
        let first = try structured(results[0])
        let again = try structured(results[1])
        let other = try structured(results[2])
        #expect(first["launch"] as? String == "started")
        #expect(again["launch"] as? String == "existing")
        #expect(again["id"] as? String == first["id"] as? String)
        #expect(other["id"] as? String != first["id"] as? String)
        let listed = try await repo.sire("runs", "list", "--json").stdout
        #expect(listed.components(separatedBy: #""workflow": "hello""#).count - 1 == 2, "\(listed)")
    }

    @Test func validatesProposedYAMLWithPositionsAndListsWhatIsDefined() async throws {
        var files = Self.workflows
        files["workflows/broken.yaml"] = """
            id: broken
            steps:
              - id: a
                tool: sire:local/nope

            """
        let repo = try await GitFixture.committed(files)
        let results = try await client(
            repo,
            """
            [{"op": "call", "tool": "validate",
              "args": {"files": {"workflows/new.yaml": "id: new\\nsteps:\\n  - id: a\\n    tool: sire:local/log.wrte\\n    params: { message: hi }\\n"}}},
             {"op": "call", "tool": "validate",
              "args": {"files": {"workflows/dup.yaml": "id: hello\\nsteps:\\n  - id: a\\n    tool: sire:local/log.write\\n    params: { message: hi }\\n"}}},
             {"op": "call", "tool": "validate"},
             {"op": "call", "tool": "list_workflows"},
             {"op": "call", "tool": "validate", "args": {"files": {"../etc/passwd": "x"}}}]
            """)
        let proposed = try structured(results[0])
        #expect(proposed["valid"] as? Bool == false)
        let workflows = try #require(proposed["workflows"] as? [[String: Any]])
        #expect(workflows.count == 1)
        let diagnostic = try #require((workflows[0]["diagnostics"] as? [[String: Any]])?.first)
        #expect(diagnostic["path"] as? String == "workflows/new.yaml")
        #expect(diagnostic["line"] as? Int == 4)
        #expect(diagnostic["column"] as? Int == 22)
        #expect(diagnostic["rule"] as? String == "unknown-builtin")
        #expect((diagnostic["message"] as? String)?.contains("did you mean 'log.write'") == true, "\(diagnostic)")
        // Validated with the committed workflows: the id is taken.
        let duplicate = try structured(results[1])
        let dupDiagnostics = try #require(
            (duplicate["workflows"] as? [[String: Any]])?.first?["diagnostics"] as? [[String: Any]])
        #expect(dupDiagnostics.contains { $0["rule"] as? String == "duplicate-workflow-id" }, "\(dupDiagnostics)")
        let committed = try structured(results[2])
        #expect(committed["errors"] as? Int == 1)
        let listed = try structured(results[3])
        let entries = try #require(listed["workflows"] as? [[String: Any]])
        #expect(entries.compactMap { $0["id"] as? String }.sorted() == ["broken", "hello", "slow"])
        let broken = try #require(entries.first { $0["id"] as? String == "broken" })
        #expect(broken["valid"] as? Bool == false)
        #expect((broken["diagnostics"] as? [[String: Any]])?.first?["line"] as? Int == 4)
        let hello = try #require(entries.first { $0["id"] as? String == "hello" })
        #expect((hello["inputs"] as? [String: Any])?["name"] != nil)
        #expect(results[4]["isError"] as? Bool == true)
        #expect((results[4]["text"] as? String)?.contains("relative to the repository root") == true)
    }

    @Test func badCallsGetPreciseErrorsAndNothingRuns() async throws {
        let repo = try await GitFixture.committed(Self.workflows)
        let results = try await client(
            repo,
            """
            [{"op": "call", "tool": "run_workflow", "args": {"workflow": "helo"}},
             {"op": "call", "tool": "run_workflow", "args": {"workflow": "hello", "inputs": {"name": 5}}},
             {"op": "call", "tool": "run_workflow", "args": {"workflow": "hello", "wiat_seconds": 3}},
             {"op": "call", "tool": "run_workflow", "args": {"workflow": "hello", "wait_seconds": "soon"}},
             {"op": "call", "tool": "get_run", "args": {"run": "no-such-run"}},
             {"op": "call", "tool": "commit_status", "args": {"rev": "no-such-branch"}},
             {"op": "call", "tool": "run_workflows", "args": {}}]
            """)
        func failure(_ index: Int) -> String {
            #expect(results[index]["isError"] as? Bool == true, "\(results[index])")
            return results[index]["text"] as? String ?? ""
        }
        #expect(failure(0).contains("no workflow 'helo'"))
        #expect(failure(0).contains("did you mean 'hello'"))
        #expect(failure(1).contains("name"), "\(failure(1))")
        #expect(failure(2).contains("unknown argument 'wiat_seconds'; did you mean 'wait_seconds'?"))
        #expect(failure(3).contains("'wait_seconds' must be a number of seconds"))
        #expect(failure(4).contains("no run 'no-such-run'"))
        #expect(failure(5).contains("no-such-branch"))
        let protocolError = try #require(results[6]["protocolError"] as? String, "\(results[6])")
        #expect(protocolError.contains("did you mean 'run_workflow'"))
        #expect(try await repo.sire("runs", "list", "--json").stdout.contains("\"id\"") == false)
    }

    @Test func cancelsARunningRun() async throws {
        let repo = try await GitFixture.committed(Self.workflows)
        let results = try await client(
            repo,
            """
            [{"op": "call", "tool": "run_workflow", "args": {"workflow": "slow"}},
             {"op": "call", "tool": "get_run", "args": {"run": "$run", "wait_seconds": 0.3}},
             {"op": "call", "tool": "cancel_run", "args": {"run": "$run"}},
             {"op": "watch"},
             {"op": "call", "tool": "cancel_run", "args": {"run": "$run"}}]
            """)
        let cancel = try structured(results[2])
        #expect(cancel["cancel_requested"] as? Bool == true, "\(cancel)")
        let final = try #require(results[3]["final"] as? [String: Any])
        #expect(final["status"] as? String == "cancelled", "\(final)")
        let steps = try #require(final["steps"] as? [String: [String: Any]])
        #expect(steps["after"]?["status"] as? String != "succeeded")
        let again = try structured(results[4])
        #expect(again["cancel_requested"] as? Bool == false)
        #expect(again["status"] as? String == "cancelled")
    }

    @Test func aRunStillGoingWhenTheClientLeavesFinishesAndIsRecorded() async throws {
        let repo = try await GitFixture.committed(Self.workflows)
        let head = try await repo.git("rev-parse HEAD")
        let results = try await client(
            repo, #"[{"op": "call", "tool": "run_workflow", "args": {"workflow": "slow"}}]"#)
        let id = try #require(try structured(results[0])["id"] as? String)
        // The client closed stdin at once; the server drained the run before it exited.
        let shown = try await repo.sire("runs", "show", id, "--json")
        #expect(shown.stdout.contains(#""status": "succeeded""#), "\(shown)")
        #expect(try await repo.runRecords(on: head).contains { $0.contains(id) })
        let status = try await client(repo, #"[{"op": "call", "tool": "commit_status"}]"#)
        let runs = try #require(try structured(status[0])["runs"] as? [[String: Any]])
        #expect(runs.contains { $0["id"] as? String == id && $0["status"] as? String == "succeeded" }, "\(runs)")
    }

    /// Pipes `requests` (JSON-RPC lines) into `sire-git mcp ARGS` and reads its answers once it exits.
    private func pipe(_ repo: GitFixture, _ requests: String, arguments: [String] = []) async throws
        -> (status: Int32, answers: [[String: Any]], elapsed: Duration)
    {
        let started = ContinuousClock.now
        let result = try await ChildProcess.run(
            SireBinary.path, ["mcp", "--repo", repo.root] + arguments, in: repo.root, input: requests)
        let elapsed = ContinuousClock.now - started
        let answers = try result.stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        return (result.status, answers, elapsed)
    }

    @Test func requestsSentBeforeStdinClosesAreAllAnswered() async throws {
        let repo = try await GitFixture.committed(Self.workflows)
        let (status, answers, _) = try await pipe(
            repo,
            """
            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"pipe","version":"1"}}}
            {"jsonrpc":"2.0","method":"notifications/initialized"}
            {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"run_workflow","arguments":{"workflow":"slow","wait_seconds":30}}}
            {"jsonrpc":"2.0","id":"three","method":"tools/call","params":{"name":"list_workflows"}}

            """)
        #expect(status == 0)
        #expect(answers.count == 3, "\(answers)")
        let run = try #require(answers.first { $0["id"] as? Int == 2 }?["result"] as? [String: Any])
        #expect((run["structuredContent"] as? [String: Any])?["status"] as? String == "succeeded", "\(run)")
        #expect(answers.contains { $0["id"] as? String == "three" })
    }

    @Test func aLongWaitDoesNotHoldTheServerPastTheDrainTimeoutAndTheRunStaysResumable() async throws {
        var files = Self.workflows
        files["workflows/sleepy.yaml"] = """
            id: sleepy
            steps:
              - id: nap
                tool: sire:local/time.sleep
                params: { duration: 4s }

            """
        let repo = try await GitFixture.committed(files)
        let (status, answers, elapsed) = try await pipe(
            repo,
            """
            {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"run_workflow","arguments":{"workflow":"sleepy","wait_seconds":600}}}

            """, arguments: ["--drain-timeout", "500ms"])
        #expect(status == 0)
        #expect(answers.isEmpty, "the wait was cut short, not answered: \(answers)")
        #expect(elapsed < .seconds(3), "\(elapsed)")
        let listed = try await repo.sire("runs", "list", "--json").stdout
        #expect(listed.contains(#""status": "running""#), "\(listed)")
        let resumed = try await repo.sire("runs", "resume")
        #expect(resumed.status == 0, "\(resumed)")
        #expect(try await repo.sire("runs", "list", "--json").stdout.contains(#""status": "succeeded""#))
    }

    @Test func aKilledServersRunIsFinishedByTheNextOneWithoutRepeatingCompletedSteps() async throws {
        let stepLog = NSTemporaryDirectory() + "mcp-kill-\(UUID().uuidString).log"
        defer { try? FileManager.default.removeItem(atPath: stepLog) }
        var files = Self.workflows
        files["workflows/twostep.yaml"] = """
            id: twostep
            steps:
              - id: first
                tool: sire:local/shell.run
                params: { argv: [sh, -c, "echo first >> \(stepLog)"] }
              - id: second
                needs: [first]
                tool: sire:local/shell.run
                params: { argv: [sh, -c, "sleep 2; echo second >> \(stepLog)"] }

            """
        let repo = try await GitFixture.committed(files)
        let head = try await repo.git("rev-parse HEAD")
        let input = Pipe()
        let output = repo.sandbox + "/mcp-answers"
        let server = try await ChildProcess(
            SireBinary.path, ["mcp", "--repo", repo.root], in: repo.root, input: .pipe(input), output: output,
            error: "/dev/null")
        defer { server.signal(SIGKILL) }
        input.fileHandleForWriting.write(
            Data(
                #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"run_workflow","arguments":{"workflow":"twostep"}}}"#
                    .utf8 + [10]))
        let answer = try #require(
            await eventually(within: .seconds(20)) { () -> Data? in
                let data = (try? Data(contentsOf: URL(fileURLWithPath: output))) ?? Data()
                return data.contains(10) ? data : nil
            })
        let response = try #require(try JSONSerialization.jsonObject(with: answer) as? [String: Any])
        let result = try #require(response["result"] as? [String: Any])
        let id = try #require((result["structuredContent"] as? [String: Any])?["id"] as? String, "\(response)")
        // Kill it once `first` is committed, while `second` sleeps.
        let committed = await eventually(within: .seconds(15)) {
            guard let shown = try? await repo.sire("runs", "show", id, "--json"), shown.status == 0,
                let run = try? JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any],
                let steps = run["steps"] as? [String: [String: Any]]
            else { return false }
            return steps["first"]?["status"] as? String == "succeeded"
        }
        #expect(committed)
        await server.stop()

        // The next server finishes it; a client asking about it sees it succeed.
        let results = try await client(
            repo, #"[{"op": "call", "tool": "get_run", "args": {"run": "\#(id)", "wait_seconds": 30}}]"#)
        let run = try structured(results[0])
        #expect(run["status"] as? String == "succeeded", "\(run)")
        let lines = try String(contentsOfFile: stepLog, encoding: .utf8).split(separator: "\n")
        #expect(lines.filter { $0 == "first" }.count == 1, "\(lines)")
        #expect((1...2).contains(lines.filter { $0 == "second" }.count), "\(lines)")
        let notes = try await repo.runRecords(on: head).joined(separator: "\n")
        #expect(notes.split(separator: "\n").filter { $0.contains(id) }.count == 1, "\(notes)")
    }
}
