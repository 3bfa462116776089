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
            `git log --notes=sire/runs`.
            """,
        subcommands: [Fetch.self, Push.self, Sync.self])

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

    static func report(_ merges: [LedgerSync.Merge], from remote: String) {
        if merges.isEmpty { print("\(remote) has no ledger yet") }
        for merge in merges {
            switch merge.outcome {
            case .upToDate: print("\(merge.ref): up to date with \(remote)")
            case .fastForwarded: print("\(merge.ref): fast-forwarded to \(remote)")
            case .merged(let notes):
                print("\(merge.ref): merged records for \(notes) commit\(notes == 1 ? "" : "s") from \(remote)")
            }
        }
    }

    static func report(_ push: LedgerSync.Push, to remote: String) {
        if push.refs.isEmpty {
            print("no ledger to push")
            return
        }
        let after = push.merges == 0 ? "" : " (after merging \(remote)'s new records \(push.merges)×)"
        for ref in push.refs { print("\(ref): pushed to \(remote)\(after)") }
    }
}
