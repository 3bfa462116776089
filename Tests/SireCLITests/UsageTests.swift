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
