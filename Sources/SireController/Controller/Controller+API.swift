import Foundation
import SireCore
import SireEngine
import SireGit
import SireStore

/// What the HTTP API (and MCP) ask of a running controller.
extension Controller {
    /// Every deployment the index knows, retired ones included.
    package func deployments() throws -> [Deployment] {
        try runtime.store.snapshot { tx in try tx.deployments() }
    }

    /// Starts a run of a deployed workflow over the API (`on.http` allows it; `type` is the
    /// trigger type recorded, `http` or `mcp`), with inputs checked against its declared inputs.
    /// `requestKey` (an idempotency key from the client) makes retries of one request yield one
    /// run; without it each request is a new run.
    /// - Throws: `ControllerError` `.notFound` (no such deployed workflow), `.conflict` (the
    ///   workflow has no `http` trigger), `.invalid` (inputs; the message lists every problem).
    package func triggerHTTP(
        workflowID: String, inputs: [String: Value], requestKey: String? = nil, type: String = "http"
    ) async throws
        -> LaunchOutcome
    {
        try requireSource()
        guard let workflow = liveWorkflow(workflowID) else {
            throw ControllerError(.notFound, "no deployed workflow '\(workflowID)'")
        }
        guard workflow.workflow.triggers.http else {
            throw ControllerError(
                .conflict, "workflow '\(workflowID)' has no http trigger (add `on: { http: {} }` to allow it)")
        }
        let key = requestKey ?? UUID().uuidString.lowercased()
        return try await launchOrThrow(workflow, trigger: RunTrigger(type: type, key: key), inputs: inputs)
    }

    /// Waits until the run has finished or `timeout` passed; returns its latest record.
    package func waitForRun(_ runID: String, timeout: Duration) async throws -> RunRecord {
        try await runtime.waitForRun(runID, timeout: timeout)
    }

    /// Asks the run to stop. Returns false when it had already finished.
    package func cancelRun(_ runID: String) async throws -> Bool {
        guard try runtime.store.snapshot({ tx in try tx.run(runID) }) != nil else {
            throw ControllerError(.notFound, "no run '\(runID)'")
        }
        return try await runtime.engine.requestCancel(runID)
    }

    /// Runs a run again over the API, honouring the workflow's concurrency policy, on a version
    /// this controller applied: `original` (the run's own version, when the controller started
    /// it from a trigger or it is the deployed one) or `latest` (the version deployed now). The
    /// workflow must be deployed (not retired) with `on: { http: {} }`, as for a trigger. Any
    /// other revision, which verification or review never passed, runs only from the command
    /// line (`sire-git runs rerun --on REV`), which reads git itself.
    /// - Throws: `ControllerError` `.notFound`, `.forbidden` (another revision, a version the
    ///   controller never applied), `.conflict` (retired, no http trigger), `.invalid` (inputs).
    package func rerun(_ runID: String, on: String = "original") async throws -> LaunchOutcome {
        try requireSource()
        guard let original = try runtime.store.snapshot({ tx in try tx.run(runID) }) else {
            throw ControllerError(.notFound, "no run '\(runID)'")
        }
        guard on == "original" || on == "latest" else {
            throw ControllerError(
                .forbidden,
                "over the API a rerun uses a version this controller applied: on=original or on=latest "
                    + "(`sire-git runs rerun --on \(on)` runs another revision from the command line)")
        }
        guard let live = liveWorkflow(original.workflowID) else {
            throw ControllerError(
                .conflict,
                "workflow '\(original.workflowID)' is not deployed (retired or never applied): nothing reruns")
        }
        guard live.workflow.triggers.http else {
            throw ControllerError(
                .conflict,
                "workflow '\(original.workflowID)' has no http trigger (add `on: { http: {} }` to allow runs over the API)"
            )
        }
        let trigger = RunTrigger(type: "rerun", key: UUID().uuidString.lowercased())
        if on == "original" {
            let startedHere = ["schedule", "push", "http", "mcp"].contains(original.trigger.type)
            guard startedHere || original.blob == live.blob else {
                throw ControllerError(
                    .forbidden,
                    "run \(original.id) ran a version of '\(original.workflowID)' this controller did not start or "
                        + "deploy (a '\(original.trigger.type)' run at \(original.commit.sha.prefix(7))): use on=latest"
                )
            }
            // Git and YAML work: off the cooperative pool.
            let gitDirectory = source.gitDirectory
            let plan = try await blocking.run {
                try RerunPlan.make(original, on: "original", gitDirectory: gitDirectory)
            }
            return try await launcher.launch(plan)
        }
        let inputs: [String: Value]
        switch InputValidation.resolve(original.inputs, declared: live.workflow.inputs) {
        case .success(let values): inputs = values
        case .failure(let errors):
            throw ControllerError(
                .invalid,
                "the original inputs do not fit the deployed '\(live.id)': \(errors.problems.joined(separator: "; "))")
        }
        return try await launcher.launch(
            NewRun(
                workflow: live.workflow, path: live.path, blob: live.blob, definition: live.definition,
                commit: PinnedCommit(live.commit, ref: "refs/heads/\(source.branch)"), trigger: trigger,
                inputs: inputs, rerunOf: original.id))
    }

    /// The same data as `sire-git status REV --json`, read from the controller's repository.
    package func commitStatus(
        _ revision: String, runLimit: Int? = CommitStatusReader.defaultRunLimit, now: Date = Date()
    ) throws -> CommitStatus {
        let repository = try Repository(path: source.gitDirectory)
        return try CommitStatusReader(repository: repository, stateDirectory: options.state, runLimit: runLimit)
            .status(of: revision, now: now)
    }
}
