import Foundation
import SireTestSupport
import Testing

@Suite("sire-git usage: unknown commands and options, --help, --version")
struct UsageTests {
    private func run(_ arguments: [String]) async throws -> SireBinary.Result {
        try await SireBinary.run(arguments, in: FileManager.default.temporaryDirectory.path)
    }

    @Test(
        "usage errors exit 2 and explain on stderr",
        arguments: [
            ["frobnicate"],
            ["validate", "--bogus"],
            ["validate", "--format", "xml"],
            ["check"],
            ["check", "--base"],
            ["graph"],
            ["graph", "x", "--format", "png"],
            ["cron"],
            ["cron", "0 * * * *", "-n", "many"],
            ["--no-such-flag"],
        ])
    func usageErrors(arguments: [String]) async throws {
        let result = try await run(arguments)
        #expect(result.status == 2, "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
        #expect(!result.stderr.isEmpty)
        #expect(!result.stderr.contains("Fatal error"), "\(result)")
    }

    @Test("--help lists every subcommand and exits 0")
    func help() async throws {
        for arguments in [["--help"], ["-h"], ["help"]] {
            let result = try await run(arguments)
            #expect(result.status == 0, "\(arguments): \(result)")
            for command in ["init", "validate", "check", "graph", "cron"] {
                #expect(
                    result.stdout.contains("  \(command) "), "\(arguments) does not list \(command)"
                )
            }
        }
    }

    @Test(
        "each subcommand has help that exits 0",
        arguments: ["init", "validate", "check", "graph", "cron"])
    func subcommandHelp(command: String) async throws {
        let result = try await run([command, "--help"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("USAGE: sire-git \(command)"), "\(result)")
    }

    @Test("--version prints the version and exits 0")
    func version() async throws {
        let result = try await run(["--version"])
        #expect(result.status == 0, "\(result)")
        #expect(result.lines.count == 1)
        #expect(
            result.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil,
            "\(result)")
    }
}

/// Bad input on the paths that start services (the tools' HTTP client, the HTTP listener):
/// one clear line and exit 2, never a crash from a service dropped without its shutdown.
@Suite("bad input to commands that start services")
struct ServiceErrorTests {
    static let cases: [([String], [String: String], String)] = [
        (["runs", "rerun", "nope"], [:], "sire-git: no run 'nope'"),
        (["runs", "rerun", "RUN", "--on", "nope"], [:], "sire-git: revision 'nope' not found"),
        (["runs", "resume", "nope"], [:], "sire-git: no run 'nope'"),
        (["controller", "--listen", "127.0.0.1:99999"], [:], "sire-git: --listen 127.0.0.1:99999:"),
        (["controller", "--listen", "[::1"], [:], "sire-git: --listen [::1: expected [IPV6]:PORT"),
        (["controller", "--listen", "http://x"], [:], "sire-git: --listen http://x:"),
        (["controller", "--once", "--listen", "garbage"], [:], "sire-git: --listen garbage:"),
        (["controller", "--listen", "127.0.0.1:0"], ["SIRE_API_TOKENS": "bogus"], "sire-git: SIRE_API_TOKENS item 1"),
        (["controller", "--listen", "127.0.0.1:0"], ["SIRE_API_TOKENS": "root:x"], "unknown role 'root'"),
        (["controller", "--listen", "127.0.0.1:0", "--tokens", "TOKENS"], [:], "readable by others (mode 644)"),
    ]

    @Test(arguments: cases.indices)
    func oneLineAndExit2(_ index: Int) async throws {
        var (arguments, environment, expected) = Self.cases[index]
        let repo = try await GitFixture.committed(["workflows/hello.yaml": Workflows.valid("hello")])
        #expect(try await repo.sire("run", "hello").status == 0)
        let listed = try await repo.sire("runs", "list", "--json")
        let run = try #require(
            (try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])?.first)
        let tokens = repo.sandbox + "/tokens"
        try "viewer abc\n".write(toFile: tokens, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: tokens)
        arguments = arguments.map { $0 == "RUN" ? run["id"] as? String ?? "" : $0 == "TOKENS" ? tokens : $0 }

        let result = try await SireBinary.run(arguments, in: repo.root, environment: environment)
        #expect(result.status == 2, "\(arguments): \(result)")
        let errors = result.errorLines.filter { !$0.hasPrefix("20") }  // log lines start with a date
        #expect(errors.count == 1, "\(arguments): \(result)")
        #expect(errors.first?.contains(expected) == true, "\(arguments): \(result)")
    }

    @Test func aBusyPortIsOneClearLine() async throws {
        let repo = try await GitFixture.committed(["workflows/hello.yaml": Workflows.valid("hello")])
        let taken = try ClosedPort()
        defer { withExtendedLifetime(taken) {} }
        let result = try await repo.sire("controller", "--listen", "127.0.0.1:\(taken.port)")
        #expect(result.status == 2, "\(result)")
        #expect(
            result.errorLines.last
                == "sire-git: cannot listen on 127.0.0.1:\(taken.port): the address is already in use "
                + "(another process listens there)", "\(result)")
        #expect(!result.stderr.contains("errno"), "\(result)")
    }
}
