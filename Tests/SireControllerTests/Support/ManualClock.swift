import Foundation
import Synchronization

@testable import SireController

/// A clock that only moves when told to, so schedule tests run instantly and the same way
/// every time.
///
/// Sleepers whose deadline has been reached are resumed by ``advance(to:)`` in deadline order
/// (ties in the order they started sleeping). Time never moves backwards.
final class ManualClock: ControllerClock {
    private struct Sleeper {
        let id: UInt64
        let deadline: Date
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Date
        var nextID: UInt64 = 0
        var sleepers: [Sleeper] = []
    }

    private let state: Mutex<State>

    /// A clock reading `start` until advanced.
    package init(start: Date) {
        state = Mutex(State(now: start))
    }

    package func now() -> Date {
        state.withLock { $0.now }
    }

    /// The number of tasks currently suspended in ``sleep(until:)``.
    package var sleeperCount: Int {
        state.withLock { $0.sleepers.count }
    }

    /// The earliest deadline anyone is sleeping until.
    package var nextDeadline: Date? {
        state.withLock { $0.sleepers.map(\.deadline).min() }
    }

    package func sleep(until deadline: Date) async throws {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: Bool = state.withLock { state in
                    // Checked under the lock, so a cancellation either sees this sleeper
                    // registered or stops it from registering.
                    if deadline <= state.now || Task.isCancelled { return true }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let sleeper = state.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
        try Task.checkCancellation()
    }

    /// Moves the clock to `date` (never backwards) and wakes, in deadline order, every sleeper
    /// whose deadline is now reached.
    package func advance(to date: Date) {
        let due = state.withLock { state -> [Sleeper] in
            if date > state.now { state.now = date }
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }
            state.sleepers.removeAll { $0.deadline <= now }
            return due.sorted { ($0.deadline, $0.id) < ($1.deadline, $1.id) }
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Moves the clock forward by `interval`.
    package func advance(by interval: Duration) {
        advance(to: now().addingTimeInterval(interval.timeInterval))
    }
}
