import ArgumentParser
import Foundation
import SireCore

/// `sire-git cron EXPR [--timezone TZ] [--from TIME] [-n N]`
struct CronCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cron",
        abstract: "Print the next fire times of a cron expression, one RFC 3339 time a line.",
        discussion: """
            Vixie cron semantics: 5 fields, or 6 with seconds first; names JAN-DEC and SUN-SAT; \
            L in day-of-month for the month's last day; @hourly @daily @weekly @monthly @yearly. \
            Times are strictly after --from (default: now) and printed with the zone's offset.
            """)

    @Argument(help: "The cron expression, e.g. \"30 2 * * *\".")
    var expression: String

    @Option(help: "IANA time zone (default UTC).")
    var timezone: String = "UTC"

    @Option(help: "Start time, RFC 3339 (default: now).")
    var from: String?

    @Option(name: .short, help: "How many fire times to print.")
    var n: Int = 5

    func run() async throws {
        guard n >= 1, n <= 10_000 else { throw CLIError.usage("-n must be between 1 and 10000") }
        let schedule: CronSchedule
        do {
            schedule = try CronSchedule.parse(expression)
        } catch {
            let caret =
                String(repeating: " ", count: error.offset) + String(repeating: "^", count: max(1, error.length))
            throw CLIError.usage("invalid cron expression: \(error.message)\n  \(expression)\n  \(caret)")
        }
        guard let zone = TimeZones.named(timezone) else {
            throw CLIError.usage(
                "unknown time zone '\(timezone)'\(Suggestion.hint(for: timezone, in: TimeZones.knownIdentifiers))")
        }
        var start = Date()
        if let from {
            guard let date = RFC3339.parse(from) else {
                throw CLIError.usage("--from must be an RFC 3339 time such as 2026-03-29T00:00:00Z, got '\(from)'")
            }
            start = date
        }
        let fires = schedule.nextFires(after: start, in: zone, count: n)
        for date in fires { print(RFC3339.format(date, in: zone)) }
        if fires.isEmpty {
            throw CLIError(message: "'\(expression)' never fires", exitCode: 1)
        }
    }
}
