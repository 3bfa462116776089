import Foundation
import SireCore
import SireEngine
import SireGit
import SireStore

/// How to run a finished run again: on its own pinned definition, or on the version its workflow
/// has at another revision (`latest` = the tracked branch head / HEAD), with the same inputs.
package enum RerunPlan {
    /// The new run for `original` on `on` (`original`, `latest`, or a revision).
    /// - Throws: `ControllerError` `.notFound` when the revision or the workflow at it does not
    ///   exist, `.invalid` when the workflow is invalid there or the inputs no longer fit.
    /// `overrides` gives inputs anew (`--input`), parsed against the workflow's declared inputs;
    /// it must name every input the ledger record had redacted (a run imported by `reindex`).
    package static func make(
        _ original: RunRecord, on: String, gitDirectory: String, latest: String = "HEAD",
        overrides: ([InputSpec]) throws -> [String: Value] = { _ in [:] }
    ) throws -> NewRun {
        let trigger = RunTrigger(type: "rerun", key: UUID().uuidString.lowercased())
        if on == "original" {
            let workflow = try SpecDefinitions(repositoryPath: gitDirectory).workflow(for: original)
            return NewRun(
                workflow: workflow, path: original.path, blob: original.blob, definition: original.definition,
                commit: original.commit, trigger: trigger,
                inputs: try inputs(of: original, for: workflow, overrides: overrides, at: "its own commit"),
                rerunOf: original.id)
        }
        let rev = on == "latest" ? latest : on
        let repository = try Repository(path: gitDirectory)
        let commit: CommitInfo
        do {
            commit = try repository.resolveCommit(rev)
        } catch {
            throw ControllerError(.notFound, cause: error)
        }
        let target = try WorkflowAtRevision.find(original.workflowID, at: commit, in: repository, matchingPath: false)
        guard let workflow = target.workflow else {
            throw ControllerError(.invalid, "workflow '\(original.workflowID)' is invalid at \(commit.id.short)")
        }
        return try target.newRun(
            trigger: trigger,
            inputs: try inputs(of: original, for: workflow, overrides: overrides, at: commit.id.short),
            ref: on == "latest" ? latest : rev, rerunOf: original.id)
    }

    /// The original's inputs with `overrides` applied and the workflow's defaults filled in.
    private static func inputs(
        of original: RunRecord, for workflow: Workflow, overrides: ([InputSpec]) throws -> [String: Value],
        at place: String
    ) throws -> [String: Value] {
        let given = try overrides(workflow.inputs)
        let missing = original.redactedInputs.filter { given[$0] == nil }.sorted()
        guard missing.isEmpty else {
            throw ControllerError(
                .usage,
                "run \(original.id)'s ledger record hides the value of input\(missing.count == 1 ? "" : "s") "
                    + missing.map { "'\($0)'" }.joined(separator: ", ")
                    + " (it held a secret): give \(missing.count == 1 ? "it" : "them") again with "
                    + missing.map { "--input \($0)=VALUE" }.joined(separator: " "))
        }
        var values = original.inputs
        for name in original.redactedInputs { values[name] = nil }
        values.merge(given) { _, new in new }
        switch InputValidation.resolve(values, declared: workflow.inputs) {
        case .success(let resolved): return resolved
        case .failure(let errors):
            throw ControllerError(
                .invalid,
                "the original inputs do not fit the workflow at \(place): \(errors.problems.joined(separator: "; "))")
        }
    }
}
