import SireCore
import SireGit

/// A deployed workflow version as the controller holds it: what its schedules and triggers
/// start runs from.
package struct LiveWorkflow: Sendable {
    package var workflow: Workflow
    package var path: String
    package var blob: String
    package var definition: [UInt8]
    /// The commit it was applied at.
    package var commit: CommitInfo

    package var id: String { workflow.id }

    package init(workflow: Workflow, path: String, blob: String, definition: [UInt8], commit: CommitInfo) {
        self.workflow = workflow
        self.path = path
        self.blob = blob
        self.definition = definition
        self.commit = commit
    }
}
