import Foundation
import SireCore

/// The schedules of one deployed workflow version, as the scheduler keeps them.
package struct ScheduleEntry: Sendable, Hashable {
    /// The workflow the ticks start.
    package var workflowID: String
    /// Which version of the workflow (for example its blob id); opaque to the scheduler and
    /// passed through to each tick.
    package var version: String
    /// The workflow's `on.schedule` entries, in file order.
    package var schedules: [ScheduleTrigger]
    /// What to do with ticks missed while the controller was down; nil means `none`.
    package var catchup: CatchupPolicy?

    /// An entry from its parts.
    package init(workflowID: String, version: String, schedules: [ScheduleTrigger], catchup: CatchupPolicy? = nil) {
        self.workflowID = workflowID
        self.version = version
        self.schedules = schedules
        self.catchup = catchup
    }

    /// The schedules and catch-up policy of `workflow` at `version`.
    package init(workflow: Workflow, version: String) {
        self.init(
            workflowID: workflow.id, version: version, schedules: workflow.triggers.schedules,
            catchup: workflow.catchup)
    }
}
