import Synchronization

/// Wakes waiters when something changed: each change bumps a generation, and tasks waiting
/// for a generation past the one they saw resume at once; others wake at their timeout. The
/// index signals its commits with it (so a `?wait=` or an event stream sees a change as soon as
/// it is durable), the controller changes of its tracked ref.
public final class ChangeSignal: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var waiters: [UInt64: (after: UInt64, continuation: CheckedContinuation<Void, Never>)] = [:]
        /// Waiters cancelled before they were registered.
        var cancelled: Set<UInt64> = []
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// The number of changes so far.
    public var generation: UInt64 { state.withLock { $0.generation } }

    /// Records a change and wakes every waiter.
    public func bump() {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.generation += 1
            let woken = state.waiters
            state.waiters = [:]
            return woken.values.map(\.continuation)
        }
        for continuation in ready { continuation.resume() }
    }

    /// Returns once the generation is past `generation`, `timeout` has passed, or the task is
    /// cancelled.
    public func wait(after generation: UInt64, timeout: Duration) async {
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
