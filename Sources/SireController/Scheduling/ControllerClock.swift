import Foundation

/// Where the controller's time comes from, so schedules are testable without sleeping.
package protocol ControllerClock: Sendable {
    /// The current wall-clock time.
    func now() -> Date
    /// Suspends until `deadline` (wall clock) or until the task is cancelled (throws
    /// `CancellationError`).
    func sleep(until deadline: Date) async throws
}

/// The real wall clock.
package struct SystemClock: ControllerClock {
    package init() {}

    package func now() -> Date { Date() }

    package func sleep(until deadline: Date) async throws {
        let interval = deadline.timeIntervalSinceNow
        if interval > 0 { try await Task.sleep(for: .seconds(interval)) } else { try Task.checkCancellation() }
    }
}
