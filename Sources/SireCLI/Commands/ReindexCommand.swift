import ArgumentParser
import Foundation
import SireController
import SireStore

/// `sire-git reindex`: rebuild run history in the index from the ledger.
struct ReindexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reindex",
        abstract: "Rebuild run history in the index from the run records of the ledger.",
        discussion: """
            Imports every run record the index does not have yet, as a finished run with its \
            steps, so `runs list` and `runs show` work in a fresh clone that fetched the notes. \
            Runs already in the index are left alone: running it twice imports nothing new. \
            Inputs, outputs and event logs are not in the ledger and stay empty.
            """)

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let repository = try RepositoryLocator.open(global)
        let state = StateLocation.directory(global, repository: repository)
        let store: Store
        do {
            store = try Store(directory: state)
        } catch {
            throw CLIError.internalError("\(error)")
        }
        let result = try LedgerReindex.run(gitDirectory: repository.gitDirectory, store: store)
        for problem in result.invalid {
            FileHandle.standardError.write(Data("sire-git: skipped an invalid run record on \(problem)\n".utf8))
        }
        print(
            "imported \(result.imported) run\(result.imported == 1 ? "" : "s"), skipped \(result.skipped) already indexed"
                + (result.invalid.isEmpty
                    ? "" : " and \(result.invalid.count) invalid record\(result.invalid.count == 1 ? "" : "s")"))
    }
}
