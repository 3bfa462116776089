import Foundation
import SireTestSupport
import Testing

@Suite("sire-git cron EXPR [--timezone TZ] [--from TIME] [-n N]")
struct CronCommandTests {
    private func cron(_ arguments: String...) async throws -> SireBinary.Result {
        try await SireBinary.run(["cron"] + arguments, in: FileManager.default.temporaryDirectory.path)
    }

    @Test("the README example across the Paris spring-forward gap, exactly")
    func parisSpringForward() async throws {
        let result = try await cron(
            "30 2 * * *", "--timezone", "Europe/Paris", "--from", "2026-03-28T00:00:00Z", "-n", "3")
        #expect(result.status == 0, "\(result)")
        #expect(
            result.stdout
                == "2026-03-28T02:30:00+01:00\n2026-03-29T03:00:00+02:00\n2026-03-30T02:30:00+02:00\n"
        )
        #expect(result.stderr.isEmpty)
    }

    @Test(
        "UTC by default, times strictly after --from, seconds and macros",
        arguments: [
            (
                ["0 * * * *", "--from", "2026-01-01T00:00:00Z", "-n", "2"],
                ["2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"]
            ),
            (
                ["*/20 * * * * *", "--from", "2026-01-01T00:00:00Z", "-n", "3"],
                ["2026-01-01T00:00:20Z", "2026-01-01T00:00:40Z", "2026-01-01T00:01:00Z"]
            ),
            (
                ["@monthly", "--from", "2026-01-15T08:00:00+01:00", "-n", "2"],
                ["2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"]
            ),
            (
                [
                    "0 9 * * MON-FRI", "--timezone", "America/New_York", "--from",
                    "2026-01-02T15:00:00Z", "-n", "2",
                ],
                ["2026-01-05T09:00:00-05:00", "2026-01-06T09:00:00-05:00"]
            ),
        ])
    func fireTimes(arguments: [String], expected: [String]) async throws {
        let result = try await SireBinary.run(
            ["cron"] + arguments, in: FileManager.default.temporaryDirectory.path)
        #expect(result.status == 0, "\(result)")
        #expect(result.lines == expected, "\(result)")
    }

    @Test("-n defaults to five times")
    func defaultCount() async throws {
        let result = try await cron("@daily", "--from", "2026-01-01T00:00:00Z")
        #expect(result.status == 0, "\(result)")
        #expect(result.lines.count == 5)
        #expect(result.lines.last == "2026-01-06T00:00:00Z")
    }

    @Test("a bad expression exits 2 with the expression and a caret under the bad field")
    func badExpression() async throws {
        let result = try await cron("0 61 * * *", "--from", "2026-01-01T00:00:00Z")
        #expect(result.status == 2, "\(result)")
        #expect(result.stdout.isEmpty)
        let lines = result.errorLines
        try #require(lines.count == 3, "\(result)")
        #expect(lines[0].hasPrefix("sire-git: invalid cron expression: "), "\(result)")
        #expect(lines[0].contains("61"), "\(result)")
        #expect(lines[1] == "  0 61 * * *")
        #expect(lines[2] == "    ^^", "\(result)")
    }

    @Test("a wrong field count exits 2 with a caret line")
    func wrongFieldCount() async throws {
        let result = try await cron("* * *")
        #expect(result.status == 2, "\(result)")
        #expect(result.errorLines.count == 3, "\(result)")
        #expect(
            result.errorLines.last?.trimmingCharacters(in: .whitespaces).hasPrefix("^") == true,
            "\(result)")
    }

    @Test("an unknown time zone exits 2 and suggests the near one")
    func unknownZone() async throws {
        let result = try await cron("0 * * * *", "--timezone", "Europe/Pariss")
        #expect(result.status == 2, "\(result)")
        #expect(result.stdout.isEmpty)
        #expect(
            result.errorLines == [
                "sire-git: unknown time zone 'Europe/Pariss'; did you mean 'Europe/Paris'?"
            ], "\(result)")
    }

    @Test(
        "a --from that is not an RFC 3339 time exits 2",
        arguments: [
            "yesterday", "2026-01-01", "2026-01-01T00:00:00", "2026-13-01T00:00:00Z",
            "2026-02-30T00:00:00Z",
        ])
    func badFrom(from: String) async throws {
        let result = try await cron("0 * * * *", "--from", from)
        #expect(result.status == 2, "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
        #expect(result.errorLines.count == 1, "\(result)")
        #expect(result.stderr.contains("--from"), "\(result)")
    }

    @Test("-n out of range exits 2", arguments: ["0", "-1", "10001"])
    func badCount(n: String) async throws {
        let result = try await SireBinary.run(
            ["cron", "0 * * * *", "-n", n], in: FileManager.default.temporaryDirectory.path)
        #expect(result.status == 2, "\(result)")
        #expect(result.stdout.isEmpty)
    }

    @Test("an expression that never fires prints nothing and exits 1")
    func neverFires() async throws {
        let result = try await cron("0 0 30 2 *", "--from", "2026-01-01T00:00:00Z", "-n", "1")
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("never fires"), "\(result)")
    }
}
