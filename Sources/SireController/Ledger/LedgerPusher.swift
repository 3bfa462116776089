import Logging
import SireCore
import SireGit
import Synchronization

/// Takes the ledger home: pushes `refs/notes/sire/*` from the controller's mirror to the source
/// remote, so a developer's clone can fetch the records.
///
/// A push starts promptly after a ledger write (``poke()``: after `gather`, 100 ms, so the
/// writes of one change — its check record, then its runs' records — go in one push), then at
/// most once per `minimumInterval` while writes continue, and the refs are also compared every
/// `checkInterval` (records written before a restart, or by another process). What is not on
/// the remote yet is read from the refs (local against the remote-tracking ones), never kept in
/// memory, so a crash loses nothing. When the remote refuses a non-fast-forward, its records
/// are fetched and union-merged first (``LedgerSync``). Failures back off (1 s doubling to
/// 60 s) and are logged once per change of reason.
package final class LedgerPusher: Sendable {
    let sync: LedgerSync
    let remote: String
    let minimumInterval: Duration
    let checkInterval: Duration
    let gather: Duration
    private let logger: Logger
    /// Told when pushing starts failing (the reason) and when it works again (nil).
    private let onProblem: @Sendable (String?) async -> Void
    private let signal = ChangeSignal()
    private let blocking = Blocking(label: "sire.ledger.push")
    private let state = Mutex(State())

    struct State {
        var problem: String?
    }

    package init(
        sync: LedgerSync, remote: String = "origin", minimumInterval: Duration = .seconds(1),
        checkInterval: Duration = .seconds(5), gather: Duration = .milliseconds(100), logger: Logger,
        onProblem: @escaping @Sendable (String?) async -> Void = { _ in }
    ) {
        self.onProblem = onProblem
        self.gather = gather
        self.sync = sync
        self.remote = remote
        self.minimumInterval = minimumInterval
        self.checkInterval = checkInterval
        self.logger = logger
    }

    /// The ledger changed: push soon.
    package func poke() {
        signal.bump()
    }

    /// Why the last push failed, while it keeps failing.
    package var problem: String? { state.withLock { $0.problem } }

    /// Pushes until the task is cancelled (the controller pushes once more after its last
    /// ledger write).
    package func run() async {
        let clock = ContinuousClock()
        var generation: UInt64 = 0
        var lastPush = clock.now - minimumInterval
        var backoff: Duration?
        while !Task.isCancelled {
            await signal.wait(after: generation, timeout: checkInterval)
            if Task.isCancelled { break }
            generation = signal.generation
            // Pokes while writes continue are gathered into one push a second.
            let due = max(clock.now + gather, lastPush + (backoff ?? minimumInterval))
            if clock.now < due {
                try? await Task.sleep(until: due)
                if Task.isCancelled { break }
                generation = signal.generation
            }
            lastPush = clock.now
            backoff = await pushIfNeeded() ? nil : min((backoff ?? .milliseconds(500)) * 2, .seconds(60))
        }
    }

    /// Pushes when the local ledger has records the remote lacks; false when that failed.
    @discardableResult
    package func pushIfNeeded() async -> Bool {
        let sync = self.sync, remote = self.remote
        do {
            let unpushed = try await blocking.run { try sync.unpushed(remote: remote) }
            SireMetrics.ledgerUnpushedRecords(unpushed)
            guard unpushed > 0 else { return true }
            let push = try await blocking.run { try sync.push(remote: remote) }
            SireMetrics.ledgerPushed(push.merges > 0 ? "merged" : "ok")
            // What was written meanwhile is counted by the next attempt.
            SireMetrics.ledgerUnpushedRecords(0)
            let was = state.withLock { state in
                defer { state.problem = nil }
                return state.problem
            }
            if was != nil {
                logger.notice("the ledger is pushed to \(sync.remoteDescription(remote)) again")
                await onProblem(nil)
            }
            return true
        } catch {
            SireMetrics.ledgerPushed("error")
            let problem = "\(error)"
            let changed = state.withLock { state in
                defer { state.problem = problem }
                return state.problem != problem
            }
            if changed {
                logger.warning("cannot push the ledger (retrying with backoff): \(problem)")
                await onProblem(problem)
            }
            return false
        }
    }
}

extension LedgerSync {
    /// `remote` as a message shows it: the URL when it is a remote's name in the repository.
    func remoteDescription(_ remote: String) -> String {
        (try? Repository(path: gitDirectory))?.remoteURL(remote) ?? remote
    }
}
