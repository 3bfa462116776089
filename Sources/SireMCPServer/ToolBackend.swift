import Foundation
import SireController
import SireCore

/// Where sire-git's MCP tools run workflows: in this process over a local repository
/// (``LocalBackend``, `sire-git mcp`) or through a running controller (``ControllerBackend``,
/// `/mcp` on its listener). Everything else the tools do (read runs, events, status, validate)
/// goes through the backend's runtime and repository the same way for both.
package protocol ToolBackend: Sendable {
    /// The index, engine and tools runs execute with.
    var runtime: Runtime { get }
    /// The revision the tools read when a call names none: `HEAD`, or the controller's
    /// tracked branch.
    var defaultRevision: String { get }
    /// Whether `run_workflow` takes a `rev`: a local server runs any revision, a controller
    /// only the deployed version.
    var runsAnyRevision: Bool { get }

    /// Starts (or queues) a run of `workflow` with `inputs`, at `revision` when given. A `key`
    /// already used for the workflow returns that run (`.existing`) instead of starting another.
    /// - Throws: `ControllerError` (`.notFound`, `.invalid`, `.conflict`, `.usage`).
    func launch(workflow: String, inputs: [String: Value], revision: String?, key: String?) async throws
        -> LaunchOutcome

    /// The next time a schedule fires the workflow, when this backend schedules it.
    func nextFire(of workflowID: String) async -> Date?
}
