import Synchronization

extension Task where Failure == any Error {
    /// The task's value, or `CancellationError` as soon as the *waiting* task is cancelled.
    ///
    /// `task.value` waits for an unstructured task however long it takes; a step that times
    /// out while its server is still starting must give up now, leaving the start-up (shared
    /// with other calls, and bounded by its own limit) to finish on its own.
    func cancellableValue() async throws -> Success {
        let waiter = Waiter()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Success, any Error>) in
                guard waiter.suspend(continuation) else {
                    continuation.resume(throwing: Swift.CancellationError())
                    return
                }
                Task<Void, Never> {
                    let result = await self.result
                    waiter.take()?.resume(with: result)
                }
            }
        } onCancel: {
            waiter.cancel()?.resume(throwing: Swift.CancellationError())
        }
    }

    /// Whoever comes first, the task's result or the waiter's cancellation, resumes the
    /// continuation; the lock makes sure only one does.
    private final class Waiter: Sendable {
        private struct State {
            var continuation: CheckedContinuation<Success, any Error>?
            var cancelled = false
        }

        private let state = Mutex(State())

        /// Stores the continuation; false if the waiter was already cancelled.
        func suspend(_ continuation: CheckedContinuation<Success, any Error>) -> Bool {
            state.withLock { state in
                if state.cancelled { return false }
                state.continuation = continuation
                return true
            }
        }

        func take() -> CheckedContinuation<Success, any Error>? {
            state.withLock { state in
                defer { state.continuation = nil }
                return state.continuation
            }
        }

        func cancel() -> CheckedContinuation<Success, any Error>? {
            state.withLock { state in
                state.cancelled = true
                defer { state.continuation = nil }
                return state.continuation
            }
        }
    }
}
