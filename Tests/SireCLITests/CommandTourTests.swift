import Foundation
import SireTestSupport
import Testing

/// Every subcommand of the binary under test (the release build under `make test`), each run
/// once the way the README shows it, on one repository with a bare remote: the commands a user
/// meets first must work in the build they deploy. The list is read from `--help`, so a new
/// subcommand without a step here fails this test.
@Suite("every subcommand in the binary users run")
struct CommandTourTests {
    /// The leaf subcommands `sire-git --help` lists (with `runs` and `notes` expanded).
    static func listedCommands(in directory: String) async throws -> Set<String> {
        func subcommands(_ arguments: [String]) async throws -> [String] {
            let help = try await SireBinary.run(arguments + ["--help"], in: directory)
            guard let section = help.stdout.range(of: "SUBCOMMANDS:") else { return [] }
            return help.stdout[section.upperBound...].split(separator: "\n").compactMap { line in
                // A name is indented by two spaces; continuation lines by more.
                guard line.hasPrefix("  "), !line.hasPrefix("   "),
                    let name = line.split(separator: " ").first, name.allSatisfy({ $0.isLowercase || $0 == "-" })
                else { return nil }
                return String(name)
            }
        }
        var leaves: Set<String> = []
        for command in try await subcommands([]) {
            let nested = try await subcommands([command])
            if nested.isEmpty { leaves.insert(command) } else { nested.forEach { leaves.insert("\(command) \($0)") } }
        }
        return leaves
    }

    @Test func eachSubcommandDoesItsJob() async throws {
        let repo = try await GitFixture()
        var toured: Set<String> = []
        func sire(_ arguments: String..., expect status: Int32 = 0, input: String? = nil) async throws -> String {
            let result = try await SireBinary.run(arguments, in: repo.root, input: input)
            #expect(result.status == status, "sire-git \(arguments.joined(separator: " ")): \(result)")
            let words = arguments.prefix { !$0.hasPrefix("-") }
            toured.insert(words.prefix(["runs", "notes"].contains(words.first) ? 2 : 1).joined(separator: " "))
            return result.stdout
        }

        #expect(try await sire("init").contains("workflows/hello.yaml"))
        try repo.write(
            "workflows/nightly.yaml",
            """
            id: nightly
            on:
              schedule:
                - cron: "0 2 * * *"
              http: {}
            steps:
              - id: fetch
                tool: sire:local/log.write
                params: { message: fetched }
              - id: report
                needs: [fetch]
                tool: sire:local/shell.run
                params: { argv: [echo, report] }

            """)
        let first = try await repo.commit("workflows")
        #expect(try await sire("validate").contains("2 workflows"))
        try repo.write("workflows/nightly.yaml", "id: nightly\nsteps:\n  - id: a\n    tool: sire:local/log.wrte\n")
        let broken = try await sire("validate", expect: 1)
        #expect(broken.contains("workflows/nightly.yaml:4:22: error: unknown built-in tool"), "\(broken)")
        try await repo.git(["checkout", "--", "."])
        try repo.write("workflows/more.yaml", "id: more\nsteps:\n  - id: a\n    tool: sire:local/log.write\n")
        try await repo.commit("more")
        #expect(try await sire("check", "--base", first).contains("more"))
        #expect(try await sire("graph", "nightly").contains(#""fetch" -> "report""#))
        #expect(
            try await sire("cron", "0 2 * * *", "--from", "2026-01-01T00:00:00Z", "-n", "1")
                == "2026-01-01T02:00:00Z\n")

        let ran = try await sire("run", "nightly", "--json")
        let run = try #require(try JSONSerialization.jsonObject(with: Data(ran.utf8)) as? [String: Any])
        let id = try #require(run["id"] as? String)
        #expect(run["status"] as? String == "succeeded")
        #expect(try await sire("runs", "list").contains(id))
        #expect(try await sire("runs", "show", id).contains("report"))
        #expect(try await sire("runs", "logs", id).contains("fetched"))
        #expect(try await sire("runs", "cancel", id, expect: 1).isEmpty)
        #expect(try await sire("runs", "resume").contains("nothing to resume"))
        #expect(try await sire("runs", "rerun", id).contains("succeeded"))

        #expect(try await sire("controller", "--once").isEmpty)
        #expect(try await sire("status").contains("nightly"))
        #expect(try await sire("log", "-n", "1").contains("more"))

        let origin = repo.sandbox + "/origin.git"
        try await repo.git(["init", "--quiet", "--bare", origin])
        try await repo.git(["remote", "add", "origin", origin])
        try await repo.git(["push", "--quiet", "origin", "main"])
        _ = try await sire("notes", "push")
        _ = try await sire("notes", "fetch")
        _ = try await sire("notes", "sync")
        // Nothing written in version 1's single ref here: nothing to migrate.
        #expect(try await sire("notes", "migrate").contains("nothing to migrate"))
        #expect(
            try await repo.git(["--git-dir", origin, "notes", "--ref=sire/summary", "list"]).split(separator: "\n")
                .count
                == 1)
        #expect(try await sire("reindex", "--state", repo.sandbox + "/fresh-state").contains("imported 2 runs"))

        let answers = try await sire(
            "mcp",
            input: #"""
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"tour","version":"1"}}}
                {"jsonrpc":"2.0","method":"notifications/initialized"}
                {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list_workflows","arguments":{}}}

                """#)
        #expect(answers.contains("nightly"), "\(answers)")

        let listed = try await Self.listedCommands(in: repo.root)
        #expect(listed.count >= 19, "\(listed)")
        #expect(listed.subtracting(toured).isEmpty, "not toured: \(listed.subtracting(toured).sorted())")
    }
}
