import Foundation
import SireTestSupport
import Testing

@Suite("sire-git run and runs")
struct RunCommandTests {
    static let greet = """
        id: greet
        inputs:
          who: { type: string, default: world }
          times: { type: integer, default: 1 }
          region: { type: string, default: eu, enum: [eu, us] }
        steps:
          - id: hello
            tool: sire:local/log.write
            params: { message: "hello {{ inputs.who }} x{{ inputs.times }} in {{ inputs.region }}" }
          - id: shape
            needs: [hello]
            tool: sire:local/data.transform
            params: { data: [1, 2, 3], operation: map, expression: "item * inputs_times" }

        """.replacingOccurrences(of: "inputs_times", with: "10")

    @Test func runPrintsASummaryAndTheRunIsRecorded() async throws {
        let repo = try await GitFixture.committed(["workflows/greet.yaml": Self.greet])
        let result = try await repo.sire("run", "greet", "--input", "who=ada", "--input", "times=3")
        #expect(result.status == 0, "\(result)")
        #expect(result.lines.first?.contains("greet@") == true && result.lines.first?.contains("succeeded") == true)
        let json = try await repo.sire("runs", "list", "--json")
        let runs = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(runs.count == 1)
        let id = try #require(runs.first?["id"] as? String)
        let shown = try await repo.sire("runs", "show", String(id.prefix(17)), "--json").jsonObject()
        let steps = try #require(shown["steps"] as? [String: [String: Any]])
        let shape = try #require(steps["shape"]?["output"] as? [String: Any])
        #expect(shape["result"] as? [Int] == [10, 20, 30])
        let inputs = try #require(shown["inputs"] as? [String: Any])
        #expect(inputs["who"] as? String == "ada")
        #expect(inputs["times"] as? Int == 3)
        #expect(inputs["region"] as? String == "eu")
        let logs = try await repo.sire("runs", "logs", id)
        #expect(logs.stdout.contains("hello ada x3 in eu"), "\(logs)")
    }

    @Test func theRunReadsGitNotTheWorkTree() async throws {
        let repo = try await GitFixture.committed(["workflows/greet.yaml": Self.greet])
        try repo.write("workflows/greet.yaml", "this: is not [valid")
        let result = try await repo.sire("run", "greet", "--json")
        #expect(result.status == 0, "\(result)")
        let first = try await repo.git("rev-parse HEAD")
        #expect(try result.jsonObject()["commit"] as? String == first)
    }

    @Test(arguments: [
        (["run", "nosuch"], "no workflow 'nosuch'"),
        (["run", "greet", "--rev", "nosuch"], "nosuch"),
        (["run", "greet", "--input", "times=many"], "input 'times' must be of type integer"),
        (["run", "greet", "--input", "region=asia"], "must be one of"),
        (["run", "greet", "--input", "whoo=x"], "unknown input 'whoo'"),
        (["run", "greet", "--input", "novalue"], "NAME=VALUE"),
        (["runs", "show", "nosuch"], "no run 'nosuch'"),
    ])
    func badInputIsAOneLineUsageError(arguments: [String], message: String) async throws {
        let repo = try await GitFixture.committed(["workflows/greet.yaml": Self.greet])
        _ = try await repo.sire("run", "greet")
        let result = try await repo.sire(arguments)
        #expect(result.status == 2, "\(result)")
        #expect(result.errorLines.count == 1, "\(result)")
        #expect(result.stderr.contains(message), "\(result)")
        #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Stack"))
    }

    @Test func aRequiredInputWithoutValueIsRefused() async throws {
        let repo = try await GitFixture.committed([
            "workflows/need.yaml":
                "id: need\ninputs:\n  limit: { type: integer, required: true }\nsteps:\n  - id: a\n    tool: sire:local/log.write\n    params: { message: x }\n"
        ])
        let result = try await repo.sire("run", "need")
        #expect(result.status == 2)
        #expect(result.stderr.contains("missing required input 'limit'"), "\(result)")
        let ok = try await repo.sire("run", "need", "--input", "limit=5")
        #expect(ok.status == 0, "\(ok)")
    }

    @Test func aFailedRunExitsOne() async throws {
        let repo = try await GitFixture.committed([
            "workflows/bad.yaml":
                "id: bad\nsteps:\n  - id: boom\n    tool: sire:local/shell.run\n    params: { argv: [sh, -c, \"exit 7\"] }\n"
        ])
        let result = try await repo.sire("run", "bad")
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("failed"))
        #expect(result.stdout.contains("status 7"), "\(result)")
    }

    @Test func dryRunPrintsThePlanAndRunsNothing() async throws {
        let repo = try await GitFixture.committed(["workflows/greet.yaml": Self.greet])
        let result = try await repo.sire("run", "greet", "--dry-run", "--input", "who=bob")
        #expect(result.status == 0, "\(result)")
        #expect(result.lines.contains("1. hello  sire:local/log.write"), "\(result)")
        #expect(result.lines.contains("2. shape  sire:local/data.transform"), "\(result)")
        #expect(result.stdout.contains("\"who\":\"bob\""))
        let runs = try await repo.sire("runs", "list")
        #expect(runs.status == 2 || runs.stdout.contains("no runs"), "\(runs)")
    }

    @Test func mockFileGivesCannedOutputsAndErrors() async throws {
        let repo = try await GitFixture.committed([
            "workflows/api.yaml": """
            id: api
            steps:
              - id: fetch
                tool: sire:local/http.request
                params: { url: "http://127.0.0.1:1/never-called" }
              - id: use
                needs: [fetch]
                tool: sire:local/log.write
                params: { message: "status {{ steps.fetch.output.status }}, {{ len(steps.fetch.output.body.items) }} items" }

            """
        ])
        try repo.write("mocks.yaml", "fetch: { status: 200, body: { items: [1, 2] } }\n")
        let result = try await repo.sire("run", "api", "--mock-file", repo.root + "/mocks.yaml")
        #expect(result.status == 0, "\(result)")
        let id =
            try #require(
                try JSONSerialization.jsonObject(with: Data(try await repo.sire("runs", "list", "--json").stdout.utf8))
                    as? [[String: Any]]
            ).first?["id"] as? String
        let logs = try await repo.sire("runs", "logs", try #require(id))
        #expect(logs.stdout.contains("status 200, 2 items"), "\(logs)")
        try repo.write("mocks.yaml", "fetch: { error: upstream is down }\n")
        let failing = try await repo.sire("run", "api", "--mock-file", repo.root + "/mocks.yaml")
        #expect(failing.status == 1)
        #expect(failing.stdout.contains("upstream is down"), "\(failing)")
    }

    @Test func secretsNeverAppearInOutputOrTheIndex() async throws {
        let secret = "s3cr3t-\(UUID().uuidString)"
        let repo = try await GitFixture.committed([
            "workflows/leak.yaml": """
            id: leak
            steps:
              - id: echo
                tool: sire:local/shell.run
                params: { argv: [sh, -c, "echo token=$0; echo err $0 >&2", "{{ secrets.TOKEN }}"] }
              - id: say
                needs: [echo]
                tool: sire:local/log.write
                params: { message: "said {{ steps.echo.output.stdout }} and {{ secrets.TOKEN }}" }
              - id: fail
                needs: [say]
                tool: sire:local/shell.run
                params: { argv: [sh, -c, "echo failing with $0 >&2; exit 1", "{{ secrets.TOKEN }}"] }

            """
        ])
        let result = try await SireBinary.run(
            ["run", "leak", "--watch", "--json"], in: repo.root, environment: ["SIRE_SECRET_TOKEN": secret])
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("***"), "the secret should show as *** in outputs: \(result)")
        #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret), "\(result)")
        let id = try result.jsonObject()["id"] as? String
        let logs = try await repo.sire("runs", "logs", try #require(id), "--json")
        #expect(!logs.stdout.contains(secret))
        #expect(logs.stdout.contains("***"))
        let state = repo.root + "/.git/sire"
        for name in try FileManager.default.contentsOfDirectory(atPath: state) where name.hasPrefix("index.sqlite") {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: state + "/" + name))
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "the secret is in \(name)")
        }
    }

    @Test func secretsFileMustBePrivate() async throws {
        let repo = try await GitFixture.committed(["workflows/greet.yaml": Self.greet])
        try repo.write("secrets.env", "TOKEN=abc123\n")
        chmod(repo.root + "/secrets.env", 0o644)
        let open = try await repo.sire("run", "greet", "--secrets", repo.root + "/secrets.env")
        #expect(open.status == 2)
        #expect(open.stderr.contains("chmod 600"), "\(open)")
        chmod(repo.root + "/secrets.env", 0o600)
        let ok = try await repo.sire("run", "greet", "--secrets", repo.root + "/secrets.env")
        #expect(ok.status == 0, "\(ok)")
    }

    @Test func cancelFromAnotherProcessStopsTheShellChild() async throws {
        let repo = try await GitFixture.committed([
            "workflows/long.yaml": """
            id: long
            inputs:
              pidfile: { type: string }
            steps:
              - id: wait
                tool: sire:local/shell.run
                params: { argv: [sh, -c, "echo $$ > \\"$0\\"; exec sleep 30", "{{ inputs.pidfile }}"] }

            """
        ])
        let pidfile = repo.sandbox + "/child.pid"
        let process = try await SireBinary.start(["run", "long", "--input", "pidfile=\(pidfile)"], in: repo.root)
        defer { process.signal(SIGKILL) }
        let pid = await eventually(within: .seconds(20)) {
            (try? String(contentsOfFile: pidfile, encoding: .utf8)).flatMap {
                Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
        let child = try #require(pid)
        #expect(kill(child, 0) == 0)
        let listed = try await repo.sire("runs", "list", "--json")
        let id = try #require(
            (try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])?.first?["id"]
                as? String)
        let cancel = try await repo.sire("runs", "cancel", id)
        #expect(cancel.status == 0, "\(cancel)")
        // The step sleeps 30 s: ending well before that means the cancel reached it.
        #expect(await process.exit(within: .seconds(10))?.code == 1)
        #expect(await eventually(within: .seconds(5)) { !isRunning(child) }, "the shell child \(child) is still alive")
        let shown = try await repo.sire("runs", "show", id, "--json").jsonObject()
        #expect(shown["status"] as? String == "cancelled")
        let again = try await repo.sire("runs", "cancel", id)
        #expect(again.status == 1)
    }

    @Test func runHonoursTheWorkflowsConcurrencyPolicy() async throws {
        let repo = try await GitFixture.committed([
            "workflows/single.yaml": """
            id: single
            concurrency: { limit: 1, policy: skip }
            inputs:
              gate: { type: string }
            steps:
              - id: wait
                tool: sire:local/shell.run
                params: { argv: [sh, -c, 'while [ ! -e "$0" ]; do sleep 0.05; done', "{{ inputs.gate }}"] }

            """
        ])
        let gate = repo.sandbox + "/gate"
        let first = try await SireBinary.start(["run", "single", "--input", "gate=\(gate)"], in: repo.root)
        defer { first.signal(SIGKILL) }
        let running = await eventually(within: .seconds(20)) {
            (try? await repo.sire("runs", "list", "--status", "running"))?.stdout.contains("single") ?? false
        }
        #expect(running)
        // The limit is reached: `skip` drops the second run instead of starting it.
        let second = try await repo.sire("run", "single", "--input", "gate=\(gate)")
        #expect(second.status == 1, "\(second)")
        #expect(second.stderr.contains("skipped by the concurrency policy of 'single'"), "\(second)")
        try Data().write(to: URL(fileURLWithPath: gate))
        #expect(await first.exit(within: .seconds(20))?.code == 0)
        let listed = try await repo.sire("runs", "list")
        #expect(listed.lines.count == 1, "\(listed)")
    }

    @Test func rerunOnOriginalAndLatest() async throws {
        let repo = try await GitFixture.committed(["workflows/greet.yaml": Self.greet])
        let first = try await repo.sire("run", "greet", "--input", "who=ada", "--json")
        let id = try #require(try first.jsonObject()["id"] as? String)
        try repo.write("workflows/greet.yaml", Self.greet.replacingOccurrences(of: "hello {{", with: "HELLO {{"))
        let second = try await repo.commit("shout")
        let original = try await repo.sire("runs", "rerun", id)
        #expect(original.status == 0, "\(original)")
        let latest = try await repo.sire("runs", "rerun", id, "--on", "latest")
        #expect(latest.status == 0, "\(latest)")
        #expect(latest.stdout.contains("greet@\(second.prefix(7))"), "\(latest)")
        let runs = try #require(
            try JSONSerialization.jsonObject(with: Data(try await repo.sire("runs", "list", "--json").stdout.utf8))
                as? [[String: Any]])
        #expect(runs.count == 3)
        #expect(runs.filter { $0["rerun_of"] as? String == id }.count == 2)
        #expect(runs.allSatisfy { ($0["inputs"] as? [String: Any])?["who"] as? String == "ada" })
    }
}
