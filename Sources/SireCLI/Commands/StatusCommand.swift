import ArgumentParser
import Foundation
import SireController
import SireCore
import SireGit

/// `sire-git status [REV] [--json] [--at TIME]`
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show what a commit defines and what happened to it.",
        discussion: """
            For one commit (default HEAD): its workflows with their validity and diagnostics, \
            whether the controller deployed each version (applied), kept the last good one \
            running (attempted), refused the commit, or has not reconciled it yet; the next \
            fire times of each schedule; and the runs pinned to the commit (counted by \
            workflow and outcome, the newest listed). Everything comes \
            from git and the ledger notes, so any clone that fetched refs/notes/sire/* shows \
            the same; runs still in progress on this host are added from the local index.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup(title: "Private remotes") var remoteOptions: RemoteOptions

    @Argument(help: "The commit to show.")
    var revision: String = "HEAD"

    @Flag(help: "Print JSON.")
    var json = false

    @Option(help: "Compute next fire times after this RFC 3339 time instead of now.")
    var at: String?

    @Option(help: "How many of the newest runs to list, or 'all' (every run is counted).")
    var runs: String = "\(CommitStatusReader.defaultRunLimit)"

    @Flag(help: "First fetch the ledger from --remote and merge it in (as `sire-git notes fetch`).")
    var fetch = false

    @Option(help: "The remote --fetch reads.")
    var remote: String = "origin"

    func run() async throws {
        var now = Date()
        if let at {
            guard let date = RFC3339.parse(at) else {
                throw CLIError.usage("--at must be an RFC 3339 time such as 2026-03-29T00:00:00Z, got '\(at)'")
            }
            now = date
        }
        let limit = try CommitStatusReader.runLimit(runs)
        let repository = try RepositoryLocator.open(global)
        if fetch {
            let sync = LedgerSync(gitDirectory: repository.gitDirectory, access: try remoteOptions.access())
            NotesCommand.report(try sync.fetch(remote: remote), from: remote)
        }
        let reader = CommitStatusReader(
            repository: repository, stateDirectory: StateLocation.directory(global, repository: repository),
            runLimit: limit)
        let status = try reader.status(of: revision, now: now)
        print(json ? StatusOutput.json(status) : StatusOutput.text(status, now: now), terminator: "")
        // A clone without the ledger shows nothing the controller did: say how to get it.
        if !json, (try? repository.referenceNames(matching: "refs/notes/sire/*"))?.isEmpty ?? true {
            print(
                "\nno ledger in this repository: fetch it with `sire-git notes fetch` (or `sire-git status --fetch`);"
                    + "\na clone that writes no records can also use git fetch origin 'refs/notes/sire/*:refs/notes/sire/*'"
            )
        }
    }
}
