import ArgumentParser
import Foundation
import SireController
import SireGit

/// `sire-git notes fetch|push|sync [REMOTE]`: exchange the ledger with another repository.
struct NotesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notes",
        abstract: "Exchange the ledger (refs/notes/sire/*) with a remote, merging records from both sides.",
        discussion: """
            Records are never lost: fetching merges the remote's records into the local ones \
            (the union of lines per commit), and a push the remote refuses because it has \
            records we lack is retried after fetching and merging them. Fetched refs are kept \
            under refs/notes/sire-remote/REMOTE/. Stock git can read the result: \
            `git log --notes='sire/*'`.
            """,
        subcommands: [Fetch.self, Push.self, Sync.self, Migrate.self])

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy version 1 run records (refs/notes/sire/runs) into ledger partitions.",
            discussion: """
                Nothing is deleted: refs/notes/sire/runs stays for older sire-git versions, and \
                refs/notes/sire/migrated-runs records what was copied, so status and log stop \
                reading those records one by one. Running it again copies only records written \
                since. The controller, `run` and `mcp` do this themselves when they start.
                """)
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let repository = try RepositoryLocator.open(global)
            let result = try LedgerMigration.run(gitDirectory: repository.gitDirectory)
            if result.copied == 0 {
                print("nothing to migrate: no version 1 run records that are not in partitions")
            } else {
                print(
                    "copied \(result.copied) run record\(result.copied == 1 ? "" : "s") on \(result.commits) "
                        + "commit\(result.commits == 1 ? "" : "s") into ledger partitions")
            }
            if result.skipped > 0 {
                print(
                    "left \(result.skipped) line\(result.skipped == 1 ? "" : "s") that are not run records in refs/notes/sire/runs"
                )
            }
        }
    }

    struct Fetch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch the remote's ledger and merge it into the local one.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup(title: "Private remotes") var remoteOptions: RemoteOptions
        @Argument(help: "A remote name, URL or path.") var remote: String = "origin"

        func run() async throws {
            let sync = try NotesCommand.sync(global, remoteOptions)
            NotesCommand.report(try sync.fetch(remote: remote), from: remote)
        }
    }

    struct Push: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Push the local ledger, merging the remote's new records first if it refuses.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup(title: "Private remotes") var remoteOptions: RemoteOptions
        @Argument(help: "A remote name, URL or path.") var remote: String = "origin"

        func run() async throws {
            let sync = try NotesCommand.sync(global, remoteOptions)
            NotesCommand.report(try sync.push(remote: remote), to: remote)
        }
    }

    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Fetch and merge, then push.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup(title: "Private remotes") var remoteOptions: RemoteOptions
        @Argument(help: "A remote name, URL or path.") var remote: String = "origin"

        func run() async throws {
            let sync = try NotesCommand.sync(global, remoteOptions)
            let (fetched, pushed) = try sync.sync(remote: remote)
            NotesCommand.report(fetched, from: remote)
            NotesCommand.report(pushed, to: remote)
        }
    }

    static func sync(_ global: GlobalOptions, _ remote: RemoteOptions) throws -> LedgerSync {
        LedgerSync(gitDirectory: try RepositoryLocator.open(global).gitDirectory, access: try remote.access())
    }

    /// One line per ledger ref a fetch changed, and one for those it did not (a ledger has a
    /// ref per month and writer).
    static func report(_ merges: [LedgerSync.Merge], from remote: String) {
        if merges.isEmpty { print("\(remote) has no ledger yet") }
        var unchanged = 0
        for merge in merges {
            switch merge.outcome {
            case .upToDate: unchanged += 1
            case .fastForwarded: print("\(merge.ref): fast-forwarded to \(remote)")
            case .merged(let notes):
                print("\(merge.ref): merged records for \(notes) commit\(notes == 1 ? "" : "s") from \(remote)")
            }
        }
        if unchanged > 0 {
            let what =
                unchanged == merges.count ? "the ledger" : "\(unchanged) other ledger ref\(unchanged == 1 ? "" : "s")"
            print("\(what): up to date with \(remote)")
        }
    }

    static func report(_ push: LedgerSync.Push, to remote: String) {
        if push.refs.isEmpty {
            print("the ledger: up to date on \(remote)")
            return
        }
        let after = push.merges == 0 ? "" : " (after merging \(remote)'s new records \(push.merges)×)"
        for ref in push.refs { print("\(ref): pushed to \(remote)\(after)") }
    }
}
