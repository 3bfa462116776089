import Foundation
import SireCore

/// One firing of a workflow's schedule: what the scheduler hands to its `fire` callback.
///
/// `workflowID` plus `time` is the tick's identity: a given tick must never start two runs.
package struct ScheduleTick: Sendable, Hashable {
    /// The workflow to start.
    package var workflowID: String
    /// The ``ScheduleEntry/version`` the workflow had when the tick fired.
    package var version: String
    /// The nominal fire time (whole seconds), not the moment it was actually fired.
    package var time: Date
    /// Which of the entry's schedules fired (the first one when several land on this instant).
    package var scheduleIndex: Int
    /// The inputs of that schedule.
    package var inputs: [String: Value]
    /// Whether the tick was missed while the controller was down and is fired late by the
    /// workflow's catch-up policy.
    package var isCatchup: Bool

    /// A tick from its parts.
    package init(
        workflowID: String, version: String, time: Date, scheduleIndex: Int, inputs: [String: Value],
        isCatchup: Bool
    ) {
        self.workflowID = workflowID
        self.version = version
        self.time = time
        self.scheduleIndex = scheduleIndex
        self.inputs = inputs
        self.isCatchup = isCatchup
    }

    /// The idempotency key of the tick: `workflow@unix-seconds`.
    package var key: String {
        "\(workflowID)@\(Int64(time.timeIntervalSince1970.rounded(.down)))"
    }
}
