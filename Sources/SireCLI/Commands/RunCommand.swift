import ArgumentParser
import Foundation
import Logging
import SireController
import SireCore
import SireEngine
import SireGit
import SireSpec
import SireStore
import SireTools

/// `sire-git run WORKFLOW [--rev REV] [--input K=V]... [--dry-run] [--mock-file F] [--watch]`
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a workflow now, pinned to a commit, and wait for it.",
        discussion: """
            Reads the workflow from git at --rev (default HEAD; never from the work tree) and runs \
            it with that commit's tree as its checkout. Every step's completion is committed to the \
            index before its dependents start: if the process dies, `sire-git runs resume` (or any \
            later run) completes the run without repeating finished steps. Exit status: 0 the run \
            succeeded, 1 it failed or was cancelled, 2 usage error.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The workflow id (or its path).")
    var workflow: String

    @Option(help: "The revision to pin the run to.")
    var rev: String = "HEAD"

    @Option(
        name: .customLong("input"), help: "An input as NAME=VALUE (repeatable); VALUE is parsed by the input's type.")
    var inputs: [String] = []

    @Option(help: "A JSON or YAML file with the inputs as a mapping.")
    var inputsFile: String?

    @Option(help: "A file of secrets (mode 0600): NAME=value lines or a mapping.")
    var secrets: String?

    @Flag(help: "Print the plan without running anything.")
    var dryRun = false

    @Option(help: "A JSON or YAML mapping of step id to canned output ({error: msg} fails the step).")
    var mockFile: String?

    @Flag(help: "Show each step as it starts and ends.")
    var watch = false

    @Flag(help: "Print the finished run as JSON.")
    var json = false

    func run() async throws {
        let repository = try RepositoryLocator.open(global)
        let commit = try RepositoryLocator.resolve(rev, in: repository)
        let set = try WorkflowSet.load(repository: repository, commit: commit)
        let report = set.validate()
        guard let file = report.files.first(where: { $0.workflowID == workflow || $0.path == workflow }) else {
            let ids = report.files.compactMap(\.workflowID)
            throw CLIError.usage(
                "no workflow '\(workflow)' at \(commit.id.short)\(Suggestion.hint(for: workflow, in: ids))"
                    + (ids.isEmpty ? "" : " (workflows: \(ids.sorted().joined(separator: ", ")))"))
        }
        guard let definition = file.workflow else {
            print(DiagnosticOutput.text(file.diagnostics, sources: set.sources))
            throw CLIError.usage("workflow '\(workflow)' is invalid at \(commit.id.short) (\(file.path))")
        }
        let given = try Self.parseInputs(inputs, file: inputsFile, declared: definition.inputs)
        let resolved: [String: Value]
        switch InputValidation.resolve(given, declared: definition.inputs) {
        case .success(let values): resolved = values
        case .failure(let errors): throw CLIError.usage(errors.problems.joined(separator: "; "))
        }
        if dryRun {
            print(Self.plan(definition, inputs: resolved, commit: commit, path: file.path))
            return
        }
        let mocks = try mockFile.map(Self.loadMocks)
        let observer: (any RunObserver)? = watch ? ProgressPrinter() : nil
        let assembly = try EngineAssembly.make(global, secretsFile: secrets, mocks: mocks, observer: observer)
        let bytes = set.files.first { $0.path == file.path }!.bytes
        let pinned = PinnedCommit(
            commit, ref: rev == "HEAD" ? repository.headBranchName.map { "refs/heads/\($0)" } : rev)
        let finished = try await assembly.runtime.whileOpen { () async throws -> RunRecord in
            do {
                let (record, _) = try await assembly.engine.submit(
                    NewRun(
                        workflow: definition, path: file.path, blob: file.blob ?? "", definition: bytes, commit: pinned,
                        trigger: RunTrigger(
                            type: mocks == nil ? "manual" : RunTrigger.mock, key: UUID().uuidString.lowercased()),
                        inputs: resolved))
                if watch { FileHandle.standardError.write(Data("run \(record.id)\n".utf8)) }
                // Any engine start also finishes runs an earlier process left behind (a crash, a
                // kill -9); runs another live process is executing are left to it.
                let orphans = try assembly.store.snapshot { tx in try tx.unfinishedRuns() }.filter {
                    $0.id != record.id
                }
                let engine = assembly.engine
                return try await withThrowingTaskGroup(of: RunRecord?.self) { group in
                    for orphan in orphans {
                        group.addTask {
                            guard let done = try? await engine.execute(orphan.id), done.status.isFinished else {
                                return nil
                            }
                            FileHandle.standardError.write(
                                Data(
                                    "resumed interrupted run \(done.id) (\(done.workflowID)): \(done.status.rawValue)\n"
                                        .utf8))
                            return nil
                        }
                    }
                    let own = try await engine.execute(record.id)
                    try await group.waitForAll()
                    return own
                }
            } catch {
                throw CLIError.internalError("\(error)")
            }
        }
        await assembly.recordInLedger()
        let steps = try assembly.store.snapshot { tx in try tx.steps(of: finished.id) }
        if json {
            print((try APIJSON.runDetail(finished.id, store: assembly.store) ?? .null).jsonString(pretty: true))
        } else {
            print(RunOutput.summary(finished, steps: steps, order: definition.steps.map(\.id)))
        }
        if finished.status != .succeeded { throw ExitCode(1) }
    }

    static func parseInputs(_ pairs: [String], file: String?, declared: [InputSpec]) throws -> [String: Value] {
        var given: [String: Value] = [:]
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CLIError.usage("cannot read inputs file '\(file)'")
            }
            let result = YAMLComposer.compose(String(decoding: data, as: UTF8.self))
            guard result.problems.isEmpty, case .object(let object)? = result.root?.value else {
                throw CLIError.usage("inputs file '\(file)' must be a JSON or YAML mapping")
            }
            given = object
        }
        for pair in pairs {
            guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex else {
                throw CLIError.usage("--input must be NAME=VALUE, got '\(pair)'")
            }
            let name = String(pair[..<eq])
            let text = String(pair[pair.index(after: eq)...])
            guard let spec = declared.first(where: { $0.name == name }) else {
                throw CLIError.usage(
                    "unknown input '\(name)'" + Suggestion.hint(for: name, in: declared.map(\.name))
                        + (declared.isEmpty ? " (the workflow declares no inputs)" : ""))
            }
            guard let value = InputTypes.parse(text, kind: spec.kind) else {
                throw CLIError.usage("input '\(name)' must be of type \(spec.kind.rawValue), got '\(text)'")
            }
            given[name] = value
        }
        return given
    }

    static func loadMocks(_ path: String) throws -> [String: Value] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError.usage("cannot read mock file '\(path)'")
        }
        let result = YAMLComposer.compose(String(decoding: data, as: UTF8.self))
        guard result.problems.isEmpty, case .object(let object)? = result.root?.value else {
            throw CLIError.usage("mock file '\(path)' must be a mapping of step id to output")
        }
        return object
    }

    /// The steps in the order they can run, with what decides each.
    static func plan(_ workflow: Workflow, inputs: [String: Value], commit: CommitInfo, path: String) -> String {
        var lines = [
            "plan for \(workflow.id) at \(commit.id.short) (\(path))",
            "inputs: \(Value.object(inputs).jsonString())",
        ]
        let graph = WorkflowGraph(workflow)
        let handlers = Set(
            workflow.steps.compactMap { step -> String? in
                if case .goto(let target) = step.onError { return target }
                return nil
            })
        for (n, i) in (graph.topologicalOrder() ?? Array(workflow.steps.indices)).enumerated() {
            let step = workflow.steps[i]
            lines.append("\(n + 1). \(step.id)  \(step.tool)")
            if !step.needs.isEmpty { lines.append("     needs: \(step.needs.joined(separator: ", "))") }
            if handlers.contains(step.id) { lines.append("     runs only as an on_error handler") }
            if let when = step.when { lines.append("     when: \(when.source)") }
            if let foreach = step.foreach, let template = foreach.templates.first {
                lines.append("     foreach: \(template.source)")
            }
            if let retry = step.retry ?? workflow.defaults.retry, retry.maxAttempts > 1 {
                lines.append(
                    "     retry: \(retry.maxAttempts) attempts, \(retry.backoff.rawValue) from "
                        + "\(DurationText.format(retry.initialInterval)), on \(retry.retryOn.rawValue) errors")
            }
            if let timeout = step.timeout ?? workflow.defaults.timeout {
                lines.append("     timeout: \(DurationText.format(timeout))")
            }
            switch step.onError {
            case .fail: break
            case .continue: lines.append("     on_error: continue")
            case .goto(let target): lines.append("     on_error: goto \(target)")
            }
            if let repeatPolicy = step.repeatPolicy {
                lines.append("     repeat until: \(repeatPolicy.until.source) (at most \(repeatPolicy.maxIterations))")
            }
            if let cache = step.cache { lines.append("     cache: \(DurationText.format(cache.ttl))") }
        }
        return lines.joined(separator: "\n")
    }
}

extension EngineAssembly {
    /// Writes the ledger records of the runs this command finished (and any others waiting in
    /// the outbox), so a one-shot run is recorded like a controller's. A failure is reported
    /// but does not fail the command: the records stay in the outbox for the next writer.
    func recordInLedger() async {
        do {
            _ = try await LedgerWriter(gitDirectory: repository.gitDirectory, store: store, secrets: runtime.secrets)
                .drain()
            // Each write is a pack: past the limit, consolidate them before exiting.
            let housekeeping = LedgerHousekeeping(
                gitDirectory: repository.gitDirectory, logger: Logger(label: "sire.ledger"))
            if housekeeping.packCount >= housekeeping.packLimit, let git = StepIsolation.executable(named: "git") {
                await housekeeping.consolidate(git: git)
            }
        } catch {
            FileHandle.standardError.write(Data("sire-git: warning: \(error)\n".utf8))
        }
    }
}
