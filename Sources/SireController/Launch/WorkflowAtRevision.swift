import Foundation
import SireCore
import SireEngine
import SireGit
import SireSpec
import SireStore

/// One workflow as a commit defines it, validated with the other workflow files of that commit:
/// the one lookup every way of starting a run (`sire-git run`, `runs rerun`, MCP's
/// `run_workflow`) goes through before ``RunLauncher``.
package struct WorkflowAtRevision: Sendable {
    /// The commit it was read from.
    package let commit: CommitInfo
    /// Its file's validation result.
    package let file: FileReport
    /// The commit's workflow files (source text for diagnostics).
    package let workflows: WorkflowSet

    /// The validated workflow; nil when it is invalid at this commit.
    package var workflow: Workflow? { file.workflow }

    /// The file's bytes: the run's pinned definition.
    package var definition: [UInt8] { workflows.files.first { $0.path == file.path }?.bytes ?? [] }

    /// The workflow `name` (its id, or with `matchingPath` also its file path) at `commit`.
    ///
    /// - Throws: ``ControllerError`` `notFound` when the commit has no such workflow (with a
    ///   suggestion and the ids it has), `io` when git cannot be read.
    package static func find(
        _ name: String, at commit: CommitInfo, in repository: Repository, matchingPath: Bool = true
    ) throws -> WorkflowAtRevision {
        let set = try WorkflowSet.load(repository: repository, commit: commit)
        let report = set.validate()
        guard let file = report.files.first(where: { $0.workflowID == name || (matchingPath && $0.path == name) })
        else {
            let ids = report.files.compactMap(\.workflowID).sorted()
            throw ControllerError(
                .notFound,
                "no workflow '\(name)' at \(commit.id.short)\(Suggestion.hint(for: name, in: ids))"
                    + (ids.isEmpty ? "" : " (workflows: \(ids.joined(separator: ", ")))"))
        }
        return WorkflowAtRevision(commit: commit, file: file, workflows: set)
    }

    /// ``find(_:at:in:matchingPath:)`` at the commit `revision` names.
    /// - Throws: ``ControllerError`` `notFound` also when `revision` names no commit.
    package static func find(_ name: String, at revision: String, in repository: Repository) throws
        -> WorkflowAtRevision
    {
        let commit: CommitInfo
        do {
            commit = try repository.resolveCommit(revision)
        } catch {
            throw ControllerError(.notFound, "cannot resolve revision '\(revision)'", cause: error)
        }
        return try find(name, at: commit, in: repository)
    }

    /// The new run of this version: `given` inputs checked against the declared ones (defaults
    /// filled in), pinned to the commit as reached through `ref`.
    ///
    /// - Throws: ``ControllerError`` `invalid` when the workflow is invalid at this commit (its
    ///   errors, `path:line:col: message`) or the inputs do not fit.
    package func newRun(trigger: RunTrigger, inputs given: [String: Value], ref: String?, rerunOf: String? = nil)
        throws -> NewRun
    {
        guard let workflow else {
            let problems = file.diagnostics.filter { $0.severity == .error }
                .map { "\($0.path):\($0.line):\($0.column): \($0.message)" }
            throw ControllerError(
                .invalid,
                "workflow '\(file.workflowID ?? file.path)' is invalid at \(commit.id.short): "
                    + problems.joined(separator: "; "))
        }
        let inputs: [String: Value]
        switch InputValidation.resolve(given, declared: workflow.inputs) {
        case .success(let resolved): inputs = resolved
        case .failure(let errors):
            throw ControllerError(.invalid, "workflow '\(workflow.id)': \(errors.problems.joined(separator: "; "))")
        }
        return NewRun(
            workflow: workflow, path: file.path, blob: file.blob ?? "", definition: definition,
            commit: PinnedCommit(commit, ref: ref), trigger: trigger, inputs: inputs, rerunOf: rerunOf)
    }
}
