import Foundation
import Synchronization

/// Wakes readers when this process's writer commits: each committed batch bumps a generation,
/// and tasks waiting for a generation past the one they saw resume at once — so a reader that
/// follows a run (a `?wait=`, an event stream) sees a change as soon as it is durable instead
/// of at its next poll. Writes by other processes bump nothing: waiters also wake at their
/// timeout and read again.
final class CommitSignal: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var waiters: [UInt64: (after: UInt64, continuation: CheckedContinuation<Void, Never>)] = [:]
        /// Waiters cancelled before they were registered.
        var cancelled: Set<UInt64> = []
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    var generation: UInt64 { state.withLock { $0.generation } }

    /// Called by the writer after each batch.
    func bump() {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.generation += 1
            let woken = state.waiters
            state.waiters = [:]
            return woken.values.map(\.continuation)
        }
        for continuation in ready { continuation.resume() }
    }

    /// Returns once the generation is past `generation`, or `timeout` has passed.
    func wait(after generation: UInt64, timeout: Duration) async {
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withTaskCancellationHandler {
                    await withCheckedContinuation { continuation in
                        let resumeNow = self.state.withLock { state -> Bool in
                            if state.generation > generation || state.cancelled.remove(id) != nil { return true }
                            state.waiters[id] = (generation, continuation)
                            return false
                        }
                        if resumeNow { continuation.resume() }
                    }
                } onCancel: {
                    let waiting = self.state.withLock { state in
                        if let entry = state.waiters.removeValue(forKey: id) { return Optional(entry.continuation) }
                        state.cancelled.insert(id)
                        return nil
                    }
                    waiting?.resume()
                }
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
        // A cancellation that raced the registration and found nothing left a mark behind.
        _ = state.withLock { $0.cancelled.remove(id) }
    }
}
