import Foundation
import SireController
import SireCore

/// The tools over a running controller: runs are API triggers of deployed workflows (they need
/// `on: { http: {} }`, like `POST /v1/workflows/{id}/runs`) and honour the concurrency policy.
package struct ControllerBackend: ToolBackend {
    let controller: Controller

    /// The tools over `controller`.
    package init(controller: Controller) {
        self.controller = controller
    }

    package var runtime: Runtime { controller.runtime }
    package var defaultRevision: String { "refs/heads/\(controller.source.branch)" }
    package var runsAnyRevision: Bool { false }

    package func launch(workflow: String, inputs: [String: Value], revision: String?, key: String?) async throws
        -> LaunchOutcome
    {
        try await controller.triggerHTTP(workflowID: workflow, inputs: inputs, requestKey: key, type: "mcp")
    }

    package func nextFire(of workflowID: String) async -> Date? {
        await controller.scheduler.nextFire(of: workflowID)
    }
}
