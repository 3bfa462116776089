import Foundation
import Logging
import SireController
import SireCore
import SireEngine
import SireGit
import SireSpec
import SireStore

/// The tools over a local repository, as `sire-git mcp` serves them: a run reads its workflow
/// from git at the requested revision (never the work tree), executes in this process with the
/// index under the state directory (so `sire-git runs` and `status` see it) and is recorded in
/// the ledger when it ends. Concurrency policies hold as in the controller.
package struct LocalBackend: ToolBackend {
    package let runtime: Runtime
    let launcher: RunLauncher
    let ledger: LedgerWriter

    package var defaultRevision: String { "HEAD" }
    package var runsAnyRevision: Bool { true }

    /// Opens the index under `state` and assembles an engine over the repository.
    package init(gitDirectory: String, state: String, secrets: Secrets, logger: Logger) throws {
        let runtime = try Runtime.make(gitDirectory: gitDirectory, state: state, secrets: secrets, logger: logger)
        let ledger = LedgerWriter(gitDirectory: gitDirectory, store: runtime.store, secrets: runtime.secrets)
        self.runtime = runtime
        self.ledger = ledger
        launcher = RunLauncher(engine: runtime.engine, logger: logger) { _ in
            do {
                _ = try await ledger.drain()
            } catch {
                logger.warning("cannot write the run to the ledger yet: \(error)")
            }
        }
    }

    package func launch(workflow name: String, inputs: [String: Value], revision: String?, key: String?)
        async throws -> LaunchOutcome
    {
        let rev = revision ?? defaultRevision
        let repository = try Repository(path: runtime.gitDirectory)
        let commit: CommitInfo
        do {
            commit = try repository.resolveCommit(rev)
        } catch {
            throw ControllerError(.usage, "cannot resolve revision '\(rev)': \(error)")
        }
        let set = try WorkflowSet.load(repository: repository, commit: commit)
        let report = set.validate()
        guard let file = report.files.first(where: { $0.workflowID == name || $0.path == name }) else {
            let ids = report.files.compactMap(\.workflowID).sorted()
            throw ControllerError(
                .notFound,
                "no workflow '\(name)' at \(commit.id.short)\(Suggestion.hint(for: name, in: ids))"
                    + (ids.isEmpty ? "" : " (workflows: \(ids.joined(separator: ", ")))"))
        }
        guard let workflow = file.workflow else {
            let problems = file.diagnostics.filter { $0.severity == .error }
                .map { "\($0.path):\($0.line):\($0.column): \($0.message)" }
            throw ControllerError(
                .invalid,
                "workflow '\(name)' is invalid at \(commit.id.short): \(problems.joined(separator: "; "))")
        }
        let resolved: [String: Value]
        switch InputValidation.resolve(inputs, declared: workflow.inputs) {
        case .success(let values): resolved = values
        case .failure(let errors): throw ControllerError(.invalid, "workflow '\(workflow.id)': \(errors)")
        }
        let bytes = set.files.first { $0.path == file.path }?.bytes ?? []
        let ref = rev == "HEAD" ? repository.headBranchName.map { "refs/heads/\($0)" } : rev
        return try await launcher.launch(
            NewRun(
                workflow: workflow, path: file.path, blob: file.blob ?? "", definition: bytes,
                commit: PinnedCommit(commit, ref: ref),
                trigger: RunTrigger(type: "mcp", key: key ?? UUID().uuidString.lowercased()), inputs: resolved))
    }

    package func nextFire(of workflowID: String) async -> Date? { nil }

    /// Executes the runs an earlier process left unfinished (a `kill -9`ed `sire-git mcp`, a
    /// crashed `sire-git run`), as any engine start does; runs a live process holds are left
    /// to it.
    package func resumeUnfinished() async throws {
        try await launcher.resumeUnfinished()
    }

    /// Lets executing runs finish for up to `grace` (the rest stay resumable with `sire-git runs
    /// resume`), writes the ledger and stops the tools.
    package func shutdown(grace: Duration) async {
        await launcher.drain(grace: grace)
        _ = try? await ledger.drain()
        await runtime.shutdown()
    }
}
