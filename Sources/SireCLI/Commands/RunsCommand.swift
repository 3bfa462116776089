import ArgumentParser
import Foundation
import SireController
import SireCore
import SireEngine
import SireGit
import SireSpec
import SireStore

/// `sire-git runs list|show|logs|cancel|resume|rerun`
struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List, inspect, cancel, resume and rerun runs.",
        subcommands: [List.self, Show.self, Logs.self, Cancel.self, Resume.self, Rerun.self])

    /// Opens the index without starting an engine.
    static func openStore(_ global: GlobalOptions) throws -> Store {
        let repository = try? RepositoryLocator.open(global)
        let state = StateLocation.directory(global, repository: repository)
        guard FileManager.default.fileExists(atPath: state + "/index.sqlite") else {
            throw CLIError.usage("no runs yet: there is no index at \(state)/index.sqlite")
        }
        do {
            return try Store(directory: state)
        } catch {
            throw CLIError.internalError("\(error)")
        }
    }

    static func find(_ id: String, in store: Store) throws -> RunRecord {
        if let run = try store.snapshot({ tx in try tx.run(id) }) { return run }
        // A unique prefix is enough, as with commits.
        let matches = try store.snapshot { tx in try tx.runIDs(withPrefix: id) }
        if matches.count > 1 { throw CLIError.usage("run id '\(id)' is ambiguous (more than one run starts with it)") }
        guard let match = matches.first, let run = try store.snapshot({ tx in try tx.run(match) }) else {
            throw CLIError.usage("no run '\(id)'")
        }
        return run
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List runs, newest first.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only runs of this workflow.") var workflow: String?
        @Option(help: "Only runs with this status.") var status: RunStatus?
        @Option(help: "Only runs pinned to this commit (a prefix is enough).") var commit: String?
        @Option(name: .short, help: "How many runs.") var n: Int = 20
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let filter = status
            let store = try RunsCommand.openStore(global)
            let runs = try store.snapshot { tx in
                try tx.runs(workflow: workflow, status: filter, commit: commit, limit: max(1, n))
            }
            if json {
                print(Value.array(runs.map { APIJSON.run($0) }).jsonString(pretty: true))
                return
            }
            if runs.isEmpty {
                print("no runs")
                return
            }
            for run in runs {
                let columns = [
                    run.id, run.workflowID.padding(toLength: 16, withPad: " ", startingAt: 0),
                    String(run.commit.sha.prefix(7)),
                    run.trigger.type.padding(toLength: 8, withPad: " ", startingAt: 0),
                    run.status.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0),
                    RFC3339.format(run.createdAt, in: .utc, milliseconds: true), RunOutput.duration(run),
                ]
                print(columns.joined(separator: "  "))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a run and its steps.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The run id (a unique prefix is enough).") var id: String
        @Flag(help: "Print JSON, with step outputs.") var json = false

        func run() async throws {
            let store = try RunsCommand.openStore(global)
            let run = try RunsCommand.find(id, in: store)
            let steps = try store.snapshot { tx in try tx.steps(of: run.id) }
            if json {
                print((try APIJSON.runDetail(run.id, store: store) ?? .null).jsonString(pretty: true))
                return
            }
            // Steps in the order the run's own events first mention them, then the rest.
            let events = try store.snapshot { tx in try tx.events(of: run.id) }
            var order: [String] = []
            for event in events { if let s = event.stepID, !order.contains(s) { order.append(s) } }
            for step in steps where step.item < 0 && !order.contains(step.stepID) { order.append(step.stepID) }
            print(RunOutput.summary(run, steps: steps, order: order))
            print("  pinned to \(run.path) blob \(run.blob.prefix(7)), trigger \(run.trigger.type)")
        }
    }

    struct Logs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a run's events and log lines.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The run id (a unique prefix is enough).") var id: String
        @Flag(help: "Print JSON lines.") var json = false

        func run() async throws {
            let store = try RunsCommand.openStore(global)
            let run = try RunsCommand.find(id, in: store)
            for event in try store.snapshot({ tx in try tx.events(of: run.id) }) {
                if json {
                    var object: [String: Value] = [
                        "seq": .int(Int(event.seq)),
                        "at": .string(RFC3339.format(event.at, in: .utc, milliseconds: true)),
                        "kind": .string(event.kind),
                    ]
                    if let s = event.stepID { object["step"] = .string(s) }
                    if let i = event.item { object["item"] = .int(i) }
                    if let a = event.attempt { object["attempt"] = .int(a) }
                    if let d = event.data { object["data"] = d }
                    print(Value.object(object).jsonString())
                } else if let line = ProgressPrinter.line(for: event) {
                    print("\(RFC3339.format(event.at, in: .utc, milliseconds: true))  \(line)")
                }
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel a run: running tools are stopped (child processes terminated, then killed).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The run id (a unique prefix is enough).") var id: String

        func run() async throws {
            let store = try RunsCommand.openStore(global)
            let run = try RunsCommand.find(id, in: store)
            guard try store.transactionNow({ tx in try tx.requestCancel(run.id) }) else {
                throw CLIError(message: "run \(run.id) has already finished (\(run.status.rawValue))", exitCode: 1)
            }
            print("cancellation of run \(run.id) requested")
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Finish interrupted runs (all of them, or one), without repeating finished steps.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The run id (default: every unfinished run nobody else is executing).") var id: String?
        @Option(help: "A file of secrets (mode 0600).") var secrets: String?
        @Flag(help: "Show each step as it starts and ends.") var watch = false

        func run() async throws {
            let (repository, runtime) = try Runtime.forCommand(
                global, secretsFile: secrets, observer: watch ? ProgressPrinter() : nil)
            let finished = try await runtime.whileOpen {
                let launcher = runtime.launcher
                let ids: [String]
                if let id {
                    let run = try RunsCommand.find(id, in: runtime.store)
                    try await launcher.resume(run.id)
                    ids = [run.id]
                } else {
                    ids = try await launcher.resumeUnfinished().map(\.id)
                }
                var finished: [RunRecord] = []
                for runID in ids {
                    do {
                        finished.append(try await launcher.waitForRun(runID))
                    } catch let error as EngineError where error.code == .owned && id == nil {
                        // A run a live process holds stays with it: nothing to resume here.
                        continue
                    } catch let error as EngineError {
                        throw CLIError(message: error.message, exitCode: error.code == .notFound ? 2 : 1)
                    }
                }
                return finished
            }
            if finished.isEmpty { print("nothing to resume") }
            for run in finished {
                let steps = try runtime.store.snapshot { tx in try tx.steps(of: run.id) }
                let workflow = try? SpecDefinitions(repositoryPath: repository.gitDirectory).workflow(for: run)
                print(RunOutput.summary(run, steps: steps, order: workflow?.steps.map(\.id) ?? steps.map(\.stepID)))
            }
            if finished.contains(where: { $0.status != .succeeded }) { throw ExitCode(1) }
        }
    }

    struct Rerun: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a finished run again with the same inputs, on its commit or another.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The run id (a unique prefix is enough).") var id: String
        @Option(help: "original (the run's own commit), latest (HEAD), or a revision.") var on: String = "original"
        @Option(help: "A file of secrets (mode 0600).") var secrets: String?
        @Flag(help: "Show each step as it starts and ends.") var watch = false
        @Option(
            name: .customLong("input"),
            help: "NAME=VALUE: an input to change (required for inputs the ledger record hides).")
        var inputs: [String] = []

        func run() async throws {
            let (repository, runtime) = try Runtime.forCommand(
                global, secretsFile: secrets, observer: watch ? ProgressPrinter() : nil)
            let inputs = self.inputs
            let (new, finished) = try await runtime.whileOpen {
                let original = try RunsCommand.find(id, in: runtime.store)
                let new = try RerunPlan.make(original, on: on, gitDirectory: repository.gitDirectory) {
                    try RunCommand.parseInputs(inputs, file: nil, declared: $0)
                }
                switch try await runtime.launcher.launch(new) {
                case .skipped(let reason):
                    throw CLIError(
                        message: "rerun skipped by the concurrency policy of '\(new.workflow.id)': \(reason)",
                        exitCode: 1)
                case .started(let run), .queued(let run), .existing(let run):
                    return (new, try await runtime.launcher.waitForRun(run.id))
                }
            }
            let steps = try runtime.store.snapshot { tx in try tx.steps(of: finished.id) }
            print(RunOutput.summary(finished, steps: steps, order: new.workflow.steps.map(\.id)))
            if finished.status != .succeeded { throw ExitCode(1) }
        }
    }
}

extension RunStatus: ExpressibleByArgument {}
