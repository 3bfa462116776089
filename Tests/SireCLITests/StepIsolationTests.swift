import Foundation
import SireTestSupport
import Testing

/// What a workflow step can see of the controller that runs it: the controller's credentials
/// (API tokens, hook secrets, every `SIRE_SECRET_*`) stay out of its reach, with and without
/// the bubblewrap sandbox, and `--step-user` runs it as another user.
@Suite("step isolation end to end")
struct StepIsolationTests {
    static let token = "tok-9f83b1c2e4"
    static let fileToken = "tok-file-55aa01"
    static let hookSecret = "hook-7d1e0c"
    static let unnamedSecret = "unnamed-c0ffee42"

    /// A push-triggered workflow whose one step reports what it can reach.
    static let peek = """
        id: peek
        on:
          push: { paths: ["data/**"] }
        steps:
          - id: look
            tool: sire:local/shell.run
            params:
              command: |
                echo "environ: $(cat /proc/$PPID/environ 2>&1 | tr '\\0' ' ')"
                echo "tokens: $(cat "$TOKENS" 2>&1)"
                echo "copy: $(cat "$COPY" 2>&1)"
                echo "state: $(ls "$STATE" 2>&1 | tr '\\n' ' ')"
                echo "uid: $(id -u)"
                touch written-in-checkout && echo "checkout: writable"
                if echo >> "$GITDIR/config" 2>/dev/null; then echo "gitdir: writable"; else echo "gitdir: refused"; fi
              shell: true
              env: { TOKENS: "{{ inputs.tokens }}", COPY: "{{ inputs.copy }}", STATE: "{{ inputs.state }}", GITDIR: "{{ inputs.gitdir }}" }
        inputs:
          tokens: { type: string }
          copy: { type: string }
          state: { type: string }
          gitdir: { type: string }

        """

    /// Runs the controller once over a fresh repository with `options`, the credentials in its
    /// environment and a tokens file, and returns the controller's result and the step's stdout.
    static func look(_ options: [String]) async throws -> (controller: SireBinary.Result, stdout: String) {
        let repo = try await GitFixture()
        let tokens = repo.sandbox + "/tokens"
        try "operator \(fileToken)\n".write(toFile: tokens, atomically: true, encoding: .utf8)
        chmod(tokens, 0o600)
        // A file the step may read that happens to hold a token: the output must not show it.
        let copy = repo.sandbox + "/copy"
        try "\(token) \(fileToken) \(hookSecret)\n".write(toFile: copy, atomically: true, encoding: .utf8)
        chmod(repo.sandbox, 0o755)
        chmod(copy, 0o644)
        let gitDirectory = repo.root + "/.git"
        let workflow = peek.replacingOccurrences(
            of: "  tokens: { type: string }", with: "  tokens: { type: string, default: \"\(tokens)\" }"
        )
        .replacingOccurrences(of: "  copy: { type: string }", with: "  copy: { type: string, default: \"\(copy)\" }")
        .replacingOccurrences(
            of: "  state: { type: string }", with: "  state: { type: string, default: \"\(gitDirectory)/sire\" }"
        )
        .replacingOccurrences(
            of: "  gitdir: { type: string }", with: "  gitdir: { type: string, default: \"\(gitDirectory)\" }")
        try repo.write("workflows/peek.yaml", workflow)
        try repo.write("data/a", "1\n")
        _ = try await repo.commit("define peek")
        let environment = [
            "SIRE_API_TOKENS": "viewer:\(token)", "SIRE_HOOK_SECRET": hookSecret,
            "SIRE_SECRET_UNNAMED": unnamedSecret,
        ]
        let arguments = ["controller", "--once", "--listen", "127.0.0.1:0", "--tokens", tokens] + options
        let first = try await SireBinary.run(arguments, in: repo.root, environment: environment)
        guard first.status == 0 else { return (first, "") }
        try repo.write("data/b", "2\n")
        _ = try await repo.commit("push data")
        let second = try await SireBinary.run(arguments, in: repo.root, environment: environment)
        let list = try await repo.sire("runs", "list", "--json")
        guard let runs = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]],
            let id = runs.first?["id"] as? String
        else { return (second, "") }
        let show = try await repo.sire("runs", "show", id, "--json")
        let run = try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any]
        let step = (run?["steps"] as? [String: Any])?["look"] as? [String: Any]
        return (second, ((step?["output"] as? [String: Any])?["stdout"] as? String) ?? "\(show)")
    }

    static func line(_ prefix: String, in stdout: String) -> String {
        stdout.split(separator: "\n").first { $0.hasPrefix(prefix) }.map(String.init) ?? "(no \(prefix) line)"
    }

    @Test func withoutASandboxTheEnvironmentHoldsNoCredentialsAndOutputIsRedacted() async throws {
        let (controller, stdout) = try await Self.look(["--sandbox", "off"])
        #expect(controller.status == 0, "\(controller)")
        let environ = Self.line("environ:", in: stdout)
        // The controller was re-executed without them: its /proc/PID/environ does not hold them.
        #expect(environ.contains("PATH="), "\(stdout)")
        for secret in [Self.token, Self.hookSecret, Self.unnamedSecret, "SIRE_API_TOKENS", "SIRE_SECRET_UNNAMED"] {
            #expect(!stdout.contains(secret), "\(secret) reached the step: \(stdout)")
        }
        // A token the step finds elsewhere is redacted from what is stored and shown.
        #expect(Self.line("copy:", in: stdout) == "copy: *** *** ***", "\(stdout)")
    }

    @Test func theSandboxHidesStateAndCredentialFilesAndKeepsTheRepositoryReadOnly() async throws {
        let (controller, stdout) = try await Self.look(["--sandbox", "bubblewrap"])
        #expect(controller.status == 0, "\(controller)")
        #expect(!stdout.contains(Self.fileToken), "\(stdout)")
        #expect(!Self.line("tokens:", in: stdout).contains("operator"), "\(stdout)")
        let state = Self.line("state:", in: stdout)
        #expect(!state.contains("index.sqlite"), "the index is visible: \(stdout)")
        #expect(Self.line("gitdir:", in: stdout) == "gitdir: refused", "\(stdout)")
        #expect(Self.line("checkout:", in: stdout) == "checkout: writable", "\(stdout)")
        // The parent the step sees is the sandbox's init, not the controller.
        #expect(!Self.line("environ:", in: stdout).contains("SIRE_GIT_CREDENTIALS_FD"), "\(stdout)")
    }

    @Test(.enabled(if: geteuid() == 0, "needs root"))
    func aStepUserCannotReadTheControllersFiles() async throws {
        for sandbox in ["off", "bubblewrap"] {
            let (controller, stdout) = try await Self.look(["--sandbox", sandbox, "--step-user", "nobody"])
            #expect(controller.status == 0, "\(controller)")
            #expect(Self.line("uid:", in: stdout) == "uid: 65534", "\(sandbox): \(stdout)")
            #expect(Self.line("checkout:", in: stdout) == "checkout: writable", "\(sandbox): \(stdout)")
            #expect(Self.line("gitdir:", in: stdout) == "gitdir: refused", "\(sandbox): \(stdout)")
            #expect(Self.line("tokens:", in: stdout).contains("Permission denied"), "\(sandbox): \(stdout)")
            #expect(Self.line("environ:", in: stdout).contains("Permission denied"), "\(sandbox): \(stdout)")
        }
    }

    @Test func stdioMCPServersRunInTheSandboxToo() async throws {
        let repo = try await GitFixture.committed([
            "tools/mcp_peer.py": try String(contentsOfFile: MCPPeerServer.script, encoding: .utf8),
            "sire.yaml": """
            servers:
              local: { command: ["\(TestPython.path)", tools/mcp_peer.py, stdio] }

            """,
            "workflows/stats.yaml": """
            id: stats
            on:
              push: { paths: ["data/**"] }
            steps:
              - id: stats
                tool: mcp://local/stats

            """,
        ])
        let arguments = ["controller", "--once", "--listen", "off", "--sandbox", "bubblewrap"]
        let first = try await repo.sire(arguments)
        #expect(first.status == 0, "\(first)")
        try repo.write("data/a", "1\n")
        _ = try await repo.commit("push data")
        let second = try await repo.sire(arguments)
        #expect(second.status == 0, "\(second)")
        let list = try await repo.sire("runs", "list", "--json")
        let runs = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        let id = try #require(runs.first?["id"] as? String, "\(list)")
        let shown = try await repo.sire("runs", "show", id, "--json").jsonObject()
        let step = try #require((shown["steps"] as? [String: Any])?["stats"] as? [String: Any], "\(shown)")
        #expect(step["status"] as? String == "succeeded", "\(step)")
        // In its own PID namespace the server is one of the first processes.
        let pid = try #require((step["output"] as? [String: Any])?["pid"] as? Int, "\(step)")
        #expect(pid < 10, "the server runs outside a PID namespace: pid \(pid)")
    }

    @Test func badIsolationOptionsAreUsageErrors() async throws {
        let repo = try await GitFixture.committed(["workflows/peek.yaml": Self.peek])
        var cases: [([String], String)] = [(["--step-user", "no-such-user-sire"], "no such user")]
        if geteuid() == 0 {
            cases.append((["--step-user", "root"], "must not be root"))
        } else {
            cases.append((["--step-user", "nobody"], "must run as root"))
        }
        for (options, message) in cases {
            let result = try await repo.sire(["controller", "--once", "--listen", "off"] + options)
            #expect(result.status == 2, "\(options): \(result)")
            #expect(result.stderr.contains(message), "\(options): \(result)")
            #expect(!result.stderr.contains("Fatal error"), "\(result)")
        }
        // Without bubblewrap on PATH, asking for it is refused and auto says why it is off.
        let noBubblewrap = ["PATH": "/nonexistent"]
        let required = try await SireBinary.run(
            ["controller", "--once", "--listen", "off", "--sandbox", "bubblewrap"], in: repo.root,
            environment: noBubblewrap)
        #expect(required.status == 2, "\(required)")
        #expect(required.stderr.contains("bwrap is not on PATH"), "\(required)")
    }
}
