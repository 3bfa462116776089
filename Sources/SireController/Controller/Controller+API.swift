import Foundation
import SireCore
import SireEngine
import SireGit
import SireStore

/// What the HTTP API (and MCP) ask of a running controller.
extension Controller {
    /// The deployed workflows, sorted by id.
    package func deployedWorkflows() -> [LiveWorkflow] {
        liveWorkflows().sorted { $0.id < $1.id }
    }

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

    /// Runs a run again (`on`: `original`, `latest` = the tracked branch head, or a revision),
    /// honouring the workflow's concurrency policy.
    package func rerun(_ runID: String, on: String = "original") async throws -> LaunchOutcome {
        guard let original = try runtime.store.snapshot({ tx in try tx.run(runID) }) else {
            throw ControllerError(.notFound, "no run '\(runID)'")
        }
        let new = try RerunPlan.make(
            original, on: on, gitDirectory: source.gitDirectory, latest: "refs/heads/\(source.branch)")
        return try await launcher.launch(new)
    }

    /// The same data as `sire-git status REV --json`, read from the controller's repository.
    package func commitStatus(_ revision: String, now: Date = Date()) throws -> CommitStatus {
        let repository = try Repository(path: source.gitDirectory)
        return try CommitStatusReader(repository: repository, stateDirectory: options.state)
            .status(of: revision, now: now)
    }
}
