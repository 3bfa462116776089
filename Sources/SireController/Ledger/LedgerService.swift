import Logging
import ServiceLifecycle

/// Keeps the runs ledger up to date: drains the outbox when poked (pokes arriving while a
/// drain runs are coalesced into one more drain), every `interval` in case a poke was missed
/// (a run finished by another process sharing the index), and once more on shutdown so a
/// graceful stop leaves nothing in the outbox. Before the first drain it copies a version 1
/// ledger into partitions (``LedgerMigration``).
package final class LedgerService: Service {
    package let writer: LedgerWriter
    private let interval: Duration
    private let logger: Logger
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    /// Told how many records each drain wrote, when it wrote some.
    private let onWritten: @Sendable (Int) -> Void

    package init(
        writer: LedgerWriter, interval: Duration = .seconds(2), logger: Logger = Logger(label: "sire.ledger"),
        onWritten: @escaping @Sendable (Int) -> Void = { _ in }
    ) {
        self.writer = writer
        self.interval = interval
        self.logger = logger
        self.onWritten = onWritten
        // One buffered wake-up is enough: a drain takes every run finished before it starts.
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for a drain soon (a run just finished). Never blocks.
    package func poke() {
        wake.yield()
    }

    /// Drains on pokes and on the interval until graceful shutdown or cancellation, then
    /// drains once more. Drain failures are logged and retried on the next wake-up.
    package func run() async throws {
        await migrate()
        let wake = self.wake, interval = self.interval
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: interval)
                        wake.yield()
                    }
                }
                for await _ in wakeups { await drain() }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            // Ends the loop once the pending wake-up (if any) is handled.
            wake.finish()
        }
        await drain()
    }

    /// Copies a version 1 ledger into partitions once, before the first drain.
    private func migrate() async {
        do {
            let result = try await writer.migrate()
            guard result.copied > 0 else { return }
            logger.info(
                "version 1 run records copied into ledger partitions",
                metadata: ["records": "\(result.copied)", "commits": "\(result.commits)"])
            onWritten(result.copied)
        } catch {
            logger.error("cannot migrate the runs ledger", metadata: ["error": "\(error)"])
        }
    }

    private func drain() async {
        do {
            let written = try await writer.drain()
            if written > 0 { onWritten(written) }
        } catch {
            logger.error("cannot write the runs ledger", metadata: ["error": "\(error)"])
        }
    }
}
