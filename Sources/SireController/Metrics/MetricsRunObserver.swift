import SireEngine
import SireStore

/// Times the engine's steps into ``SireMetrics/stepDuration`` and hands every event on to
/// `next` (a progress printer, a live event stream), so metrics never take the observer seam
/// from anyone else.
package struct MetricsRunObserver: RunObserver {
    /// Who else watches the runs.
    package let next: (any RunObserver)?

    /// An observer that records step metrics and forwards to `next`.
    package init(next: (any RunObserver)? = nil) {
        self.next = next
    }

    package func observe(_ event: EventRecord) {
        next?.observe(event)
    }

    package func stepFinished(workflowID: String, stepID: String, status: StepStatus, duration: Duration) {
        SireMetrics.stepFinished(workflow: workflowID, status: status.rawValue, duration: duration)
        next?.stepFinished(workflowID: workflowID, stepID: stepID, status: status, duration: duration)
    }
}
