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

    package var defaultRevision: String { "HEAD" }
    package var runsAnyRevision: Bool { true }

    /// Opens the index under `state`, assembles an engine over the repository and starts
    /// writing finished runs to the ledger.
    package init(gitDirectory: String, state: String, secrets: Secrets, logger: Logger) throws {
        runtime = try Runtime.make(gitDirectory: gitDirectory, state: state, secrets: secrets, logger: logger)
        runtime.start()
    }

    package func launch(workflow name: String, inputs: [String: Value], revision: String?, key: String?)
        async throws -> LaunchOutcome
    {
        let rev = revision ?? defaultRevision
        let repository = try Repository(path: runtime.gitDirectory)
        let target = try WorkflowAtRevision.find(name, at: rev, in: repository)
        let ref = rev == "HEAD" ? repository.headBranchName.map { "refs/heads/\($0)" } : rev
        return try await runtime.launcher.launch(
            target.newRun(
                trigger: RunTrigger(type: "mcp", key: key ?? UUID().uuidString.lowercased()), inputs: inputs, ref: ref))
    }

    package func nextFire(of workflowID: String) async -> Date? { nil }

    /// Executes the runs an earlier process left unfinished (a `kill -9`ed `sire-git mcp`, a
    /// crashed `sire-git run`), as any engine start does; runs a live process holds are left
    /// to it.
    package func resumeUnfinished() async throws {
        try await runtime.launcher.resumeUnfinished()
    }

    /// Lets executing runs finish for up to `grace` (the rest stay resumable with `sire-git runs
    /// resume`), writes the ledger and stops the tools.
    package func shutdown(grace: Duration) async {
        await runtime.launcher.drain(grace: grace)
        await runtime.shutdown()
    }
}
