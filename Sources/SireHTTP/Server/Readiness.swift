import SireController
import Synchronization

/// Latches once the controller has caught up with its branch for the first time, so
/// `GET /readyz` stays cheap and does not flap while later commits are reconciled.
final class Readiness: Sendable {
    private let ready = Mutex(false)
    let controller: Controller

    init(controller: Controller) {
        self.controller = controller
    }

    /// Why the controller is not ready, or nil when it is: not yet caught up (once), or its
    /// source lost (whenever it is).
    func problem() -> String? {
        if let lost = controller.sourceProblem { return "the source is unavailable: \(lost)" }
        return isReady() ? nil : "the controller has not reconciled its branch yet"
    }

    func isReady() -> Bool {
        if ready.withLock({ $0 }) { return true }
        guard (try? controller.hasReconciledHead()) == true else { return false }
        ready.withLock { $0 = true }
        return true
    }
}
