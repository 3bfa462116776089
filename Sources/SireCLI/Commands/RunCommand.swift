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
        let target: WorkflowAtRevision
        do {
            target = try WorkflowAtRevision.find(workflow, at: commit, in: repository)
        } catch let error as ControllerError where error.code == .notFound {
            throw CLIError.usage(error.message)
        }
        guard let definition = target.workflow else {
            print(DiagnosticOutput.text(target.file.diagnostics, sources: target.workflows.sources))
            throw CLIError.usage("workflow '\(workflow)' is invalid at \(commit.id.short) (\(target.file.path))")
        }
        let given = try Self.parseInputs(inputs, file: inputsFile, declared: definition.inputs)
        let mocks = try mockFile.map(Self.loadMocks)
        let new: NewRun
        do {
            new = try target.newRun(
                trigger: RunTrigger(
                    type: mocks == nil ? "manual" : RunTrigger.mock, key: UUID().uuidString.lowercased()),
                inputs: given, ref: rev == "HEAD" ? repository.headBranchName.map { "refs/heads/\($0)" } : rev)
        } catch let error as ControllerError where error.code == .invalid {
            throw CLIError.usage(error.message)
        }
        if dryRun {
            print(Self.plan(definition, inputs: new.inputs, commit: commit, path: target.file.path))
            return
        }
        let observer: (any RunObserver)? = watch ? ProgressPrinter() : nil
        let (_, runtime) = try Runtime.forCommand(global, secretsFile: secrets, mocks: mocks, observer: observer)
        let finished = try await runtime.whileOpen { () async throws -> RunRecord in
            let launcher = runtime.launcher
            // Any start also finishes runs an earlier process left behind (a crash, a kill -9);
            // runs another live process is executing are left to it.
            let orphans = try await launcher.resumeUnfinished()
            let outcome = try await launcher.launch(new)
            let run: RunRecord
            switch outcome {
            case .skipped(let reason):
                throw CLIError(
                    message: "run skipped by the concurrency policy of '\(definition.id)': \(reason)", exitCode: 1)
            case .started(let record), .queued(let record), .existing(let record):
                run = record
                if case .queued = outcome {
                    FileHandle.standardError.write(
                        Data("run \(record.id) queued: \(definition.id) is at its concurrency limit\n".utf8))
                }
            }
            if watch { FileHandle.standardError.write(Data("run \(run.id)\n".utf8)) }
            let own = try await launcher.waitForRun(run.id)
            await launcher.waitUntilIdle()
            for orphan in orphans where orphan.id != run.id {
                guard let done = try? await launcher.waitForRun(orphan.id) else { continue }
                FileHandle.standardError.write(
                    Data("resumed interrupted run \(done.id) (\(done.workflowID)): \(done.status.rawValue)\n".utf8))
            }
            return own
        }
        let steps = try runtime.store.snapshot { tx in try tx.steps(of: finished.id) }
        if json {
            print((try APIJSON.runDetail(finished.id, store: runtime.store) ?? .null).jsonString(pretty: true))
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
