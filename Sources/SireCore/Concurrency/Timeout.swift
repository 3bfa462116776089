/// Runs `work` against a time limit: when `limit` passes first, `work` is cancelled, and it is
/// still awaited (whatever it holds — a child process, a connection — is let go before this
/// returns). Cancelling the caller cancels `work` too, and then the caller gets `work`'s own
/// answer to being cancelled. Without a limit, `work` just runs.
///
/// The one time-limit race of sire-git: API requests, MCP calls, step timeouts, HTTP exchanges
/// and child processes all go through it.
///
/// - Returns: what `work` returned, and whether the limit passed before it did.
public func withTimeout<T: Sendable>(
    _ limit: Duration?, _ work: @escaping @Sendable () async -> T
) async -> (result: T, timedOut: Bool) {
    guard let limit else { return (await work(), false) }
    return await withTaskGroup(of: TimeoutEvent<T>.self) { group in
        group.addTask { .finished(await work()) }
        group.addTask {
            do {
                try await Task.sleep(for: limit)
                return .limitPassed
            } catch {
                return .timerCancelled
            }
        }
        var timedOut = false
        while let event = await group.next() {
            switch event {
            case .finished(let result):
                group.cancelAll()
                return (result, timedOut)
            case .limitPassed:
                timedOut = true
                group.cancelAll()
            case .timerCancelled:
                // The caller was cancelled: `work` was too, and answers for itself.
                continue
            }
        }
        preconditionFailure("the work task always finishes")
    }
}

/// What finished first in ``withTimeout(_:_:)``.
private enum TimeoutEvent<T: Sendable>: Sendable {
    case finished(T)
    case limitPassed
    case timerCancelled
}
