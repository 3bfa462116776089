import ArgumentParser
import Foundation
import SireController

/// The `sire-git` root command.
public struct SireCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "sire-git",
        abstract: "A Git-native workflow controller.",
        discussion: """
            Workflow definitions live in a Git repository; sire-git validates them, deploys them by \
            commit, fires their schedules and triggers, runs them durably, and records every result \
            in git notes.
            """,
        version: SireVersion.current,
        subcommands: [
            InitCommand.self, ValidateCommand.self, CheckCommand.self, RunCommand.self, RunsCommand.self,
            GraphCommand.self, CronCommand.self, ControllerCommand.self, StatusCommand.self, LogCommand.self,
            NotesCommand.self, ReindexCommand.self, McpCommand.self,
        ])

    public init() {}

    /// Runs the command line and returns the process exit status, mapped to SPEC §7:
    /// 0 clean, 1 problems found, 2 usage error, 3 internal error.
    public static func run(arguments: [String]) async -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
            return 0
        } catch {
            return report(error)
        }
    }

    static func report(_ error: Error) -> Int32 {
        switch error {
        case let error as CLIError:
            FileHandle.standardError.write(Data("sire-git: \(error.message)\n".utf8))
            return error.exitCode
        case let error as ControllerError:
            FileHandle.standardError.write(Data("sire-git: \(error.message)\n".utf8))
            switch error.code {
            case .usage, .notFound, .conflict, .forbidden: return 2
            case .invalid: return 1
            case .io, .internal, .unavailable: return 3
            }
        case let error as ExitCode:
            return error.rawValue
        default:
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                return 0
            }
            if !message.isEmpty { FileHandle.standardError.write(Data("\(message)\n".utf8)) }
            // ArgumentParser reports usage problems as EX_USAGE (64), SPEC §7 says 2; any other
            // error that reaches here is one we did not anticipate: internal (3).
            if code == .validationFailure { return 2 }
            return code == .failure ? 3 : code.rawValue
        }
    }
}

/// The version sire-git reports in `--version` and writes into ledger records.
public enum SireVersion {
    public static let current = ControllerVersion.current
}
