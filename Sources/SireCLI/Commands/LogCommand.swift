import ArgumentParser
import Foundation
import SireController
import SireGit

/// `sire-git log [RANGE] [-n N] [--first-parent] [--json]`
struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Show history with each commit's check and run badges.",
        discussion: """
            One commit a line: short sha, the check badge (✓ valid, ✗ N invalid, ⊘ refused, \
            · not checked), the runs pinned to it by outcome (runs 3✓ 1✗ 1■), and the subject. \
            RANGE is a git range such as main, v1..main or A...B (default: HEAD).
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The revision or range to list.")
    var range: String = "HEAD"

    @Option(name: .short, help: "How many commits.")
    var n: Int = 20

    @Flag(help: "Follow only the first parent of merges.")
    var firstParent = false

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        guard n >= 1 else { throw CLIError.usage("-n must be at least 1") }
        let repository = try RepositoryLocator.open(global)
        let commits: [CommitInfo]
        do {
            commits = try repository.log(range: range, limit: n, firstParent: firstParent)
        } catch {
            throw CLIError.usage("\(error)")
        }
        let summaries = try commits.map { try CommitSummary.read($0, in: repository) }
        print(json ? StatusOutput.json(summaries) : StatusOutput.log(summaries), terminator: "")
    }
}
