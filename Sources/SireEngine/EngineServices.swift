import Logging
import SireCore
import SireStore

/// What the engine's tasks share: the index, the tools, the global limiter, the secrets and
/// whoever watches events.
struct EngineServices: Sendable {
    let store: Store
    let tools: any ToolInvoker
    let limiter: AsyncSemaphore
    let secrets: Secrets
    let isolation: StepIsolation
    let observer: (any RunObserver)?
    let logger: Logger

    /// Records an event that may be lost in a crash (it is batched with the next commit) and
    /// shows it to the observer now.
    func emit(_ event: EventRecord) {
        observer?.observe(event)
        store.transactionLater { tx in try tx.appendEvent(event) }
    }

    /// Commits `work`, retrying until it succeeds: a step's result is never dropped because
    /// the disk was full for a while. Gives up only if the task is cancelled and the write
    /// keeps failing (the run then resumes from the index after a restart).
    func persist(_ work: @escaping @Sendable (StoreTransaction) throws -> Void) async {
        var delay = Duration.milliseconds(50)
        while true {
            do {
                try await store.transaction(work)
                return
            } catch {
                logger.error("cannot write to the index, retrying in \(DurationText.format(delay)): \(error)")
                do {
                    try await Task.sleep(for: delay)
                } catch {
                    // Cancelled: one last try, then leave it to the restart.
                    try? await store.transaction(work)
                    return
                }
                delay = min(delay * 2, .seconds(5))
            }
        }
    }
}
