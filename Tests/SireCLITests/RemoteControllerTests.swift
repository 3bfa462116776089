import Foundation
import SireTestSupport
import Testing

/// The controller on a private remote served by lighttpd + `git http-backend` with basic
/// authentication: it deploys and runs what is pushed, the ledger goes back to the remote, and a
/// developer's fresh clone sees the same status. A wrong password is a clear, reported error.
@Suite("controller on a private remote")
struct RemoteControllerTests {
    static let workflow = """
        id: hello
        on:
          push: { paths: ["data/**"] }
        steps:
          - id: greet
            tool: sire:local/log.write
            params: { message: "hello from the remote" }

        """

    /// A work clone with the workflow, pushed to the server's `origin`.
    static func seed(_ server: GitHTTPServer) async throws -> (GitFixture, String) {
        let work = try await GitFixture.committed(["workflows/hello.yaml": workflow])
        _ = try await work.git(["init", "--quiet", "--bare", server.path("origin")])
        _ = try await work.git(["-C", server.path("origin"), "config", "http.receivepack", "true"])
        _ = try await work.git(["push", "-q", server.path("origin"), "main"])
        return (work, try await work.git("rev-parse HEAD"))
    }

    static func push(_ work: GitFixture, _ server: GitHTTPServer, _ file: String) async throws -> String {
        try work.write(file, "\(UUID())\n")
        let sha = try await work.commit("change \(file)")
        _ = try await work.git(["push", "-q", server.path("origin"), "main"])
        return sha
    }

    @Test func theLedgerReachesTheRemoteAndAFreshCloneSeesIt() async throws {
        let server = try await GitHTTPServer()
        let (work, first) = try await Self.seed(server)
        let state = work.sandbox + "/state"
        let arguments = [
            "controller", "--repo", server.url("origin"), "--state", state, "--once", "--listen", "off",
            "--git-username", server.username,
        ]
        let environment = ["SIRE_GIT_PASSWORD": server.password]
        let applied = try await SireBinary.run(arguments, in: work.sandbox, environment: environment)
        #expect(applied.status == 0, "\(applied)")
        #expect(!applied.stderr.contains(server.password), "the password was logged")
        let second = try await Self.push(work, server, "data/a")
        let ran = try await SireBinary.run(arguments, in: work.sandbox, environment: environment)
        #expect(ran.status == 0, "\(ran)")

        // The remote holds the checks of both commits and the run's record.
        let remote = server.path("origin")
        let runs = try await work.runRecords(on: second, gitDirectory: remote).joined(separator: "\n")
        #expect(runs.contains(#""workflow":"hello""#) && runs.contains(#""status":"succeeded""#), "\(runs)")
        let checks = try await work.git(["--git-dir", remote, "notes", "--ref=sire/checks", "show", first])
        #expect(checks.contains(#""valid":true"#), "\(checks)")
        #expect(!runs.contains(server.password) && !checks.contains(server.password))

        // A developer's fresh clone over smart HTTP, after fetching the notes, shows the run.
        let developer = try await GitFixture()
        let clone = developer.sandbox + "/clone"
        let authenticated = server.url("origin").replacingOccurrences(
            of: "http://", with: "http://\(server.username):\(server.password)@")
        _ = try await developer.git(["clone", "-q", authenticated, clone], in: developer.sandbox)
        _ = try await developer.git(["remote", "set-url", "origin", server.url("origin")], in: clone)
        let before = try await SireBinary.run(["status", second], in: clone)
        #expect(before.stdout.contains("sire-git notes fetch"), "no hint to fetch the ledger: \(before)")
        let status = try await SireBinary.run(
            ["status", "--fetch", "--git-username", server.username, second], in: clone, environment: environment)
        #expect(status.status == 0, "\(status)")
        #expect(status.stdout.contains("hello"), "\(status)")
        #expect(status.stdout.contains("runs (1)") && status.stdout.contains("✓  20"), "\(status)")
        #expect(!status.stdout.contains("no ledger in this repository"), "\(status)")

        // The clone's status says what the controller's API says of the same commit.
        let log = work.sandbox + "/controller.log"
        let controller = try await SireBinary.start(
            [
                "controller", "--repo", server.url("origin"), "--state", state, "--listen", "127.0.0.1:0",
                "--git-username", server.username,
            ], in: work.sandbox, environment: environment, output: log)
        defer { controller.signal(SIGKILL) }
        let port = await listeningPort(log)
        let api = try await ControllerCommandTests.curl(["http://127.0.0.1:\(port)/v1/commits/\(second)/status"])
        #expect(api.status == 200, "\(api)")
        let local = try await SireBinary.run(["status", "--json", second], in: clone)
        func essence(_ json: String) -> [String] {
            guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
                return ["unreadable: \(json)"]
            }
            let runs = (object["runs"] as? [[String: Any]] ?? []).map { "run \($0["id"] ?? "") \($0["status"] ?? "")" }
            let workflows = (object["workflows"] as? [[String: Any]] ?? []).map { workflow in
                "workflow \(workflow["id"] ?? "") \((workflow["deployment"] as? [String: Any])?["state"] ?? "")"
            }
            let reconcile = (object["reconcile"] as? [String: Any]).map { "reconciled \($0["base"] ?? "")" } ?? "none"
            return runs.sorted() + workflows.sorted() + [reconcile]
        }
        #expect(essence(api.body) == essence(local.stdout), "API: \(api.body)\nclone: \(local.stdout)")
        #expect(essence(local.stdout).contains { $0.hasPrefix("run ") }, "\(local.stdout)")
    }

    @Test func aWrongPasswordIsReportedAndTheRemoteGetsNothing() async throws {
        let server = try await GitHTTPServer()
        let (work, _) = try await Self.seed(server)
        let log = work.sandbox + "/controller.log"
        let controller = try await SireBinary.start(
            [
                "controller", "--repo", server.url("origin"), "--state", work.sandbox + "/state", "--listen",
                "127.0.0.1:0", "--interval", "1s", "--git-username", server.username,
            ], in: work.sandbox, environment: ["SIRE_GIT_PASSWORD": "wrong-\(server.password)"], output: log)
        defer { controller.signal(SIGKILL) }
        let port = await listeningPort(log)
        let text = { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        #expect(port > 0, "no listening line; log:\n\(text())")
        var ready: (status: Int, body: String) = (0, "")
        _ = await eventually(within: .seconds(10)) {
            ready = (try? await ControllerCommandTests.curl(["http://127.0.0.1:\(port)/readyz"])) ?? (0, "")
            return ready.status == 503
        }
        #expect(ready.status == 503, "\(ready)")
        #expect(ready.body.contains("refused the password for user 'alice'"), "\(ready)")
        // Fetched every second, said once.
        try await Task.sleep(for: .seconds(3))
        let said = text().components(separatedBy: "refused the password").count - 1
        #expect(said >= 1 && said <= 2, "logged \(said) times:\n\(text())")
        #expect(!text().contains(server.password), "the password was logged")
        let metrics = try await ControllerCommandTests.curl(["http://127.0.0.1:\(port)/metrics"])
        #expect(!metrics.body.contains(server.password) && metrics.body.contains("sire_source_fetches_total"))
        for file in (try? FileManager.default.contentsOfDirectory(atPath: work.sandbox + "/state")) ?? [] {
            let path = work.sandbox + "/state/" + file
            if let data = FileManager.default.contents(atPath: path) {
                #expect(!String(decoding: data, as: UTF8.self).contains(server.password), "\(file) holds the password")
            }
        }
        #expect(controller.isRunning, "the controller stopped:\n\(text())")
        let refs = try await work.git(["--git-dir", server.path("origin"), "for-each-ref", "refs/notes"])
        #expect(refs.isEmpty, "\(refs)")
    }

    @Test func twoControllersOnOneRemoteLoseNoRecordWhileItIsDown() async throws {
        let server = try await GitHTTPServer()
        let work = try await GitFixture.committed([
            "workflows/h.yaml": """
            id: h
            on:
              http: {}
            steps:
              - id: say
                tool: sire:local/log.write
                params: { message: "hi" }

            """
        ])
        _ = try await work.git(["init", "--quiet", "--bare", server.path("origin")])
        _ = try await work.git(["-C", server.path("origin"), "config", "http.receivepack", "true"])
        _ = try await work.git(["push", "-q", server.path("origin"), "main"])
        let head = try await work.git("rev-parse HEAD")
        var controllers: [ChildProcess] = []
        var ports: [Int] = []
        for name in ["a", "b"] {
            let log = work.sandbox + "/\(name).log"
            let controller = try await SireBinary.start(
                [
                    "controller", "--repo", server.url("origin"), "--state", work.sandbox + "/state-\(name)",
                    "--listen", "127.0.0.1:0", "--interval", "1s", "--git-username", server.username,
                ], in: work.sandbox, environment: ["SIRE_GIT_PASSWORD": server.password], output: log)
            controllers.append(controller)
            ports.append(await listeningPort(log))
        }
        defer { for controller in controllers { controller.signal(SIGKILL) } }
        for port in ports {
            #expect(port > 0)
            let ready = await eventually(within: .seconds(15)) {
                (try? await ControllerCommandTests.curl(["http://127.0.0.1:\(port)/readyz"]))?.status == 200
            }
            #expect(ready)
        }
        let json = ["-H", "Content-Type: application/json", "-X", "POST", "-d", "{}"]
        for port in ports {
            for _ in 0..<50 {
                let created = try await ControllerCommandTests.curl(
                    json + ["http://127.0.0.1:\(port)/v1/workflows/h/runs"])
                #expect(created.status == 201, "\(created)")
            }
        }
        // The remote goes down for 10 s while records are still being pushed.
        await server.stop()
        try await Task.sleep(for: .seconds(10))
        try await server.restart()
        func records() async -> Int {
            (try? await work.runRecords(on: head, gitDirectory: server.path("origin")))?.count ?? 0
        }
        let all = await eventually(within: .seconds(60)) { await records() == 100 }
        let count = await records()
        #expect(all, "the remote holds \(count) of 100 records")
        let ids = Set(
            ((try? await work.runRecords(on: head, gitDirectory: server.path("origin"))) ?? [])
                .compactMap { line in
                    (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["run"] as? String
                })
        #expect(ids.count == 100, "\(ids.count) distinct runs")
    }

    @Test func anOutageOfTheRemoteIsReportedAfterThreeIntervalsAndClearsWhenItIsBack() async throws {
        let server = try await GitHTTPServer()
        let (work, _) = try await Self.seed(server)
        let state = work.sandbox + "/state"
        let log = work.sandbox + "/controller.log"
        let controller = try await SireBinary.start(
            [
                "controller", "--repo", server.url("origin"), "--state", state, "--listen", "127.0.0.1:0",
                "--interval", "1s", "--git-username", server.username,
            ], in: work.sandbox, environment: ["SIRE_GIT_PASSWORD": server.password], output: log)
        defer { controller.signal(SIGKILL) }
        let port = await listeningPort(log)
        let readyz = "http://127.0.0.1:\(port)/readyz"
        #expect(
            await eventually(within: .seconds(15)) { (try? await ControllerCommandTests.curl([readyz]))?.status == 200 }
        )

        await server.stop()
        var down: (status: Int, body: String) = (0, "")
        let reported = await eventually(within: .seconds(15)) {
            down = (try? await ControllerCommandTests.curl([readyz])) ?? (0, "")
            return down.status == 503
        }
        #expect(reported, "\(down)")
        #expect(down.body.contains("cannot fetch"), "\(down)")
        let status = try await SireBinary.run(
            ["status", "--repo", state + "/mirror.git", "--state", state, "main"], in: work.sandbox)
        #expect(status.stdout.contains("the controller cannot read its source since"), "\(status)")
        let metrics = try await ControllerCommandTests.curl(["http://127.0.0.1:\(port)/metrics"])
        #expect(metrics.body.contains(#"sire_source_fetches_total{result="error"}"#), "\(metrics.body)")

        try await server.restart()
        #expect(
            await eventually(within: .seconds(15)) { (try? await ControllerCommandTests.curl([readyz]))?.status == 200 }
        )
        let after = try await SireBinary.run(
            ["status", "--repo", state + "/mirror.git", "--state", state, "main"], in: work.sandbox)
        #expect(!after.stdout.contains("cannot read its source"), "\(after)")
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(text.contains("the source can be read again"), "\(text)")
    }

    @Test func overSSHWithAPassphraseKeyAndKnownHosts() async throws {
        let server = try await SSHServer(passphrase: "correct horse")
        let work = try await GitFixture.committed(["workflows/hello.yaml": Self.workflow])
        let bare = server.directory + "/origin.git"
        _ = try await work.git(["init", "--quiet", "--bare", bare])
        _ = try await work.git(["push", "-q", bare, "main"])
        let knownHosts = work.sandbox + "/known_hosts"
        try server.knownHostsLine.write(toFile: knownHosts, atomically: true, encoding: .utf8)
        let arguments = [
            "controller", "--repo", server.url(bare), "--state", work.sandbox + "/state", "--once", "--listen", "off",
            "--ssh-key", server.clientKey, "--known-hosts", knownHosts,
        ]
        let environment = ["SIRE_SSH_KEY_PASSPHRASE": "correct horse"]
        let applied = try await SireBinary.run(arguments, in: work.sandbox, environment: environment)
        #expect(applied.status == 0, "\(applied)\n\(server.log)")
        try work.write("data/a", "1\n")
        let second = try await work.commit("data")
        _ = try await work.git(["push", "-q", bare, "main"])
        let ran = try await SireBinary.run(arguments, in: work.sandbox, environment: environment)
        #expect(ran.status == 0, "\(ran)")
        let runs = try await work.runRecords(on: second, gitDirectory: bare).joined(separator: "\n")
        #expect(runs.contains(#""status":"succeeded""#), "\(runs)")
        #expect(!ran.stderr.contains("correct horse"))

        // Another key listed for the host: refused, with the fingerprint the server showed.
        let impostor = try await SSHServer()
        try impostor.knownHostsLine.replacingOccurrences(
            of: "[127.0.0.1]:\(impostor.port)", with: "[127.0.0.1]:\(server.port)"
        )
        .write(toFile: knownHosts, atomically: true, encoding: .utf8)
        let refused = try await SireBinary.run(
            arguments.map { $0 == work.sandbox + "/state" ? work.sandbox + "/state2" : $0 }, in: work.sandbox,
            environment: environment)
        #expect(refused.status != 0, "\(refused)")
        #expect(refused.stderr.contains("has CHANGED") && refused.stderr.contains("SHA256:"), "\(refused)")
    }
}
