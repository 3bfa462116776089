import Foundation
import Logging
import ServiceLifecycle
import SireCore
import SireEngine
import SireGit
import SireStore
import Synchronization

/// The long-running controller (SPEC §5): watches the tracked branch, reconciles each new head,
/// fires schedules and push triggers, executes runs durably, and writes the ledger. A
/// `Service`: SIGTERM (graceful shutdown) stops watching and scheduling, lets executing runs
/// finish within the grace period (the rest stay resumable), writes the ledger and returns.
package final class Controller: Service, Sendable {
    package let options: ControllerOptions
    package let source: GitSource
    package let runtime: Runtime
    package let reconciler: Reconciler
    package let scheduler: Scheduler
    /// Pushes the ledger to a URL source's remote (nil for a local source or `--ledger-push off`).
    package let pusher: LedgerPusher?
    /// The runtime's launcher: the one way runs start.
    package var launcher: RunLauncher { runtime.launcher }
    let logger: Logger
    let clock: any ControllerClock
    let blocking = Blocking(label: "sire.controller.git")
    /// Bumped when the tracked ref may have moved (inotify) or on ``poke()``: wakes the watch loop.
    let wakeup = ChangeSignal()

    private struct State {
        /// Deployed versions by workflow id.
        var live: [String: LiveWorkflow] = [:]
        /// Live workflows whose newest version is invalid: their runs pin the applied commit.
        var stale: Set<String> = []
        /// The last deployed head: runs of up-to-date workflows pin it.
        var head: CommitInfo?
        /// For stale workflows: the newest deployed commit that still held the applied version.
        var lastHolder: [String: CommitInfo] = [:]
        var lastSeen: ObjectID?
        var poked = false
        /// After a failed read or reconcile, the next attempt waits until then: 1 s, doubling
        /// with each failure in a row up to the fetch interval (at most 60 s).
        var retryAt: ContinuousClock.Instant?
        /// Failed attempts in a row (for the backoff).
        var failures = 0
        /// A head whose reconcile failed in a way only a new commit can change (a bad object,
        /// an unsafe tree): not tried again until the branch moves.
        var stalledHead: ObjectID?
        /// Why the source cannot be read now (a failed fetch, the repository or branch gone).
        var sourceProblem: String?
        /// The problem means the source is gone (repository or tracked branch deleted), not
        /// that a fetch failed for a while.
        var sourceGone = false
        /// When the source was last read (fetched, for a URL) successfully.
        var lastGoodRead: ContinuousClock.Instant?
    }

    private let state = Mutex(State())

    package init(
        options: ControllerOptions, clock: any ControllerClock = SystemClock(),
        logger: Logger = Logger(label: "sire.controller")
    ) throws {
        self.options = options
        self.clock = clock
        self.logger = logger
        source =
            GitSource.isURL(options.location)
            ? try GitSource(url: options.location, state: options.state, branch: options.branch, access: options.access)
            : try GitSource(localPath: options.location, branch: options.branch)
        // Ledger writes poke the pusher, which needs the runtime's index: wired once both exist.
        let afterLedgerWrite = Mutex<(@Sendable () -> Void)?>(nil)
        runtime = try Runtime.make(
            gitDirectory: source.gitDirectory, state: options.state, secrets: options.secrets,
            isolation: options.isolation, observer: MetricsRunObserver(), logger: logger
        ) { afterLedgerWrite.withLock { $0 }?() }
        reconciler = Reconciler(gitDirectory: source.gitDirectory, store: runtime.store)
        var pushLogger = logger
        pushLogger[metadataKey: "component"] = "ledger-push"
        let pusher =
            source.remoteURL != nil && options.ledgerPush
            ? LedgerPusher(
                sync: LedgerSync(gitDirectory: source.gitDirectory, access: options.access), logger: pushLogger
            ) { [store = runtime.store] problem in
                let value = problem.map { "\(RunNote.timestamp(Date())) \($0)" }
                try? store.transactionNow { tx in try tx.setControllerValue(Self.ledgerPushProblemKey, value) }
            }
            : nil
        self.pusher = pusher
        afterLedgerWrite.withLock { $0 = { pusher?.poke() } }
        scheduler = Scheduler(clock: clock, store: runtime.store)
    }

    /// Asks for a fetch and reconcile now (the webhook's entry point).
    package func poke() {
        state.withLock { $0.poked = true }
        wakeup.bump()
    }

    package func run() async throws {
        logger.info(
            "controller starting",
            metadata: ["source": "\(options.location)", "branch": "\(source.branch)", "state": "\(options.state)"])
        try await restore()
        try await launcher.resumeUnfinished()
        if source.remoteURL != nil, !source.startupFetchFailed {
            state.withLock { $0.lastGoodRead = ContinuousClock.now }
        }
        // A URL source whose first fetch failed is fetched again now (and its failure reported).
        await reconcileHead(fetch: source.startupFetchFailed)
        if options.once {
            // Nothing to wait for: a source that cannot be read is this run's result.
            if let problem = sourceProblem {
                await runtime.shutdown()
                throw ControllerError(.io, problem)
            }
            // SIGTERM (through the service group) stops it as it stops a long-running controller:
            // executing runs get the drain grace, the rest stay resumable.
            let launcher = self.launcher, grace = options.drainGrace
            await withGracefulShutdownHandler {
                await launcher.waitUntilIdle()
            } onGracefulShutdown: {
                Task { await launcher.drain(grace: grace) }
            }
            await runtime.shutdown()
            await pusher?.pushIfNeeded()
            return
        }
        runtime.start()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.scheduler.run() }
            group.addTask { await self.fireDueTicks() }
            group.addTask { await self.watch() }
            if let pusher = self.pusher { group.addTask { await pusher.run() } }
            group.addTask { try? await gracefulShutdown() }
            // The first child to return is the shutdown signal (or cancellation).
            _ = await group.next()
            group.cancelAll()
        }
        logger.info("controller stopping: draining executing runs")
        await launcher.drain(grace: options.drainGrace)
        await runtime.shutdown()
        await pusher?.pushIfNeeded()
        logger.info("controller stopped")
    }

    /// Loads the deployed versions from the index and schedules them.
    private func restore() async throws {
        let reconciler = self.reconciler
        let (live, deployments) = try await blocking.run {
            (try reconciler.liveWorkflows(), try reconciler.store.snapshot { tx in try tx.deployments() })
        }
        let stale = Set(deployments.filter { $0.isLive && !$0.valid }.map(\.workflowID))
        let head = try await blocking.run { [source] () -> CommitInfo? in
            guard let sha = try reconciler.store.snapshot({ tx in try tx.controllerValue(Reconciler.appliedKey) }),
                let id = ObjectID(sha)
            else { return nil }
            return try? Repository(path: source.gitDirectory).commit(id)
        }
        state.withLock {
            $0.stale = stale
            $0.head = head
        }
        for workflow in live { await deploy(workflow) }
        // Push triggers of a change applied just before a crash.
        if let (paths, head) = try await blocking.run({ try reconciler.pendingPush() }) {
            await firePushTriggers(changedPaths: paths, head: head)
        }
    }

    private func deploy(_ workflow: LiveWorkflow) async {
        state.withLock { $0.live[workflow.id] = workflow }
        await launcher.setPolicy(workflow.workflow.concurrency, for: workflow.id)
        if workflow.workflow.triggers.schedules.isEmpty {
            await scheduler.remove(workflow.id)
        } else {
            await scheduler.set(ScheduleEntry(workflow: workflow.workflow, version: workflow.blob))
        }
    }

    /// Reads the tracked ref when it may have moved (a local source's ref directories are watched
    /// with inotify), when poked, and every `watchInterval` in any case; fetches a URL source
    /// every `interval` or when poked.
    private func watch() async {
        let watcher =
            source.remoteURL == nil
            ? RefWatcher(gitDirectory: source.gitDirectory, branch: source.branch, signal: wakeup) : nil
        defer { watcher?.stop() }
        var lastFetch = ContinuousClock.now
        var generation = wakeup.generation
        while !Task.isCancelled {
            await wakeup.wait(after: generation, timeout: options.watchInterval)
            if Task.isCancelled { return }
            // Read before reconciling: a change during the reconcile wakes the next wait at once.
            generation = wakeup.generation
            let poked = state.withLock { state in
                defer { state.poked = false }
                return state.poked
            }
            let fetch = source.remoteURL != nil && (poked || ContinuousClock.now - lastFetch >= options.interval)
            if fetch { lastFetch = ContinuousClock.now }
            if fetch, options.access.skipHostKeyCheck {
                logger.warning(
                    "fetching \(options.location) without checking the SSH host key (--insecure-skip-host-key-check)")
            }
            await reconcileHead(fetch: fetch)
        }
    }

    /// Reconciles the tracked branch's head if it moved, and applies what changed.
    package func reconcileHead(fetch: Bool) async {
        let source = self.source
        let reconciler = self.reconciler
        let (lastSeen, retryAt, stalledHead) = state.withLock { ($0.lastSeen, $0.retryAt, $0.stalledHead) }
        if let retryAt, ContinuousClock.now < retryAt { return }
        let outcome: ReconcileOutcome?
        do {
            outcome = try await blocking.run { () -> ReconcileOutcome? in
                if fetch {
                    do {
                        try source.refresh()
                        SireMetrics.sourceFetched("ok")
                    } catch {
                        SireMetrics.sourceFetched("error")
                        throw SourceFailure.fetch(error)
                    }
                }
                guard let head = try source.head() else {
                    throw SourceFailure.gone(
                        ControllerError(
                            .unavailable, "the tracked branch '\(source.branch)' does not exist in \(source.location)"))
                }
                guard head != lastSeen, head != stalledHead else { return nil }
                do {
                    return try reconciler.reconcile(head: head)
                } catch {
                    throw ReconcileFailure(head: head, error: error)
                }
            }
            // For a URL source only a fetch tells whether the remote can be read again: the
            // reads of the mirror in between always work.
            if fetch || source.remoteURL == nil { await sourceRecovered() }
            // Read (and reconciled, if there was anything new): the backoff starts over.
            state.withLock { state in
                state.retryAt = nil
                state.failures = 0
            }
        } catch let failure as ReconcileFailure where failure.stalled {
            // Retrying cannot help: wait for the branch to move.
            state.withLock { state in
                state.stalledHead = failure.head
                state.retryAt = nil
                state.failures = 0
            }
            logger.error(
                "cannot reconcile \(failure.head.short); waiting for a new commit on the branch: \(failure.error)",
                metadata: ["git.sha": "\(failure.head)"])
            return
        } catch {
            // A local source that cannot be read is gone; a URL source that cannot be fetched
            // may be back soon.
            let gone = source.remoteURL == nil || !(error is SourceFailure) || error.isGone
            let problem = "\(error)"
            // Said once when it starts (and when it changes), not at every retry.
            // At most the fetch interval: a URL source is read that often anyway.
            let cap = max(.seconds(1), min(.seconds(60), options.interval))
            let (changed, delay) = state.withLock { state in
                state.failures += 1
                let delay = min(cap, Duration.seconds(1 << min(state.failures - 1, 6)))
                state.retryAt = ContinuousClock.now + delay
                state.sourceGone = gone
                defer { state.sourceProblem = problem }
                return (state.sourceProblem != problem, delay)
            }
            if changed {
                logger.warning("cannot reconcile the source (retrying in \(delay), then less often): \(problem)")
                await recordSourceProblem(problem)
            }
            return
        }
        guard let outcome else { return }
        state.withLock { $0.lastSeen = outcome.commit.id }
        if outcome.alreadyReconciled {
            return
        }
        pusher?.poke()
        runtime.housekeeping.afterWrite()
        logger.info(
            "reconciled",
            metadata: [
                "git.sha": "\(outcome.commit.id)", "applied": "\(outcome.applied.map(\.id))",
                "retired": "\(outcome.retired)", "invalid": "\(outcome.invalid.keys.sorted())",
            ])
        guard outcome.deployed else { return }
        state.withLock { state in
            for id in outcome.invalid.keys where !state.stale.contains(id) {
                state.stale.insert(id)
                state.lastHolder[id] = state.head
            }
            for workflow in outcome.applied {
                state.stale.remove(workflow.id)
                state.lastHolder[workflow.id] = nil
            }
            state.head = outcome.commit
        }
        for workflow in outcome.applied { await deploy(workflow) }
        for id in outcome.retired {
            state.withLock { state in
                state.live[id] = nil
                state.stale.remove(id)
                state.lastHolder[id] = nil
            }
            await scheduler.remove(id)
        }
        if outcome.base != nil { await firePushTriggers(changedPaths: outcome.changedPaths, head: outcome.commit) }
    }

    /// One run per (workflow, commit) whose change matches the workflow's `on.push.paths`; then
    /// the change is marked done (runs are idempotent per commit, so a crash in between only
    /// makes a restart ask again).
    private func firePushTriggers(changedPaths: [String], head: CommitInfo) async {
        let live = changedPaths.isEmpty ? [:] : state.withLock { $0.live }
        for workflow in live.values.sorted(by: { $0.id < $1.id }) {
            guard let push = workflow.workflow.triggers.push else { continue }
            let globs = push.paths.compactMap(Glob.init)
            let matches =
                globs.isEmpty || changedPaths.contains { path in globs.contains { $0.matches(path) } }
            guard matches else { continue }
            await launch(workflow, trigger: RunTrigger(type: "push", key: head.id.description), inputs: [:])
        }
        let reconciler = self.reconciler
        do {
            try await blocking.run { try reconciler.pushFired(head: head.id) }
        } catch {
            logger.error("cannot record that push triggers fired: \(error)", metadata: ["git.sha": "\(head.id)"])
        }
    }

    /// Starts a schedule tick's run.
    /// Fires the scheduler's due ticks as they come, each in a task of its own (the scheduler
    /// keeps each workflow's ticks in order), until cancelled.
    private func fireDueTicks() async {
        await withTaskGroup(of: Void.self) { group in
            for await due in scheduler.dueTicks {
                group.addTask {
                    await self.fire(due.tick)
                    due.done()
                }
            }
        }
    }

    func fire(_ tick: ScheduleTick) async {
        guard let workflow = state.withLock({ $0.live[tick.workflowID] }) else { return }
        let key = RFC3339.format(tick.time, in: .utc)
        await launch(workflow, trigger: RunTrigger(type: "schedule", key: key), inputs: tick.inputs)
    }

    /// Starts a run of a deployed workflow, pinned to the newest deployed commit that holds its
    /// version: the head, unless a newer version there is invalid (then the last head before
    /// it, or after a restart the commit the version was applied at).
    @discardableResult
    package func launch(_ workflow: LiveWorkflow, trigger: RunTrigger, inputs: [String: Value]) async
        -> LaunchOutcome?
    {
        do {
            return try await launchOrThrow(workflow, trigger: trigger, inputs: inputs)
        } catch {
            logger.error(
                "cannot start a run: \(error)",
                metadata: ["workflow.id": "\(workflow.id)", "trigger": "\(trigger.type):\(trigger.key)"])
            return nil
        }
    }

    /// ``launch(_:trigger:inputs:)`` that throws instead of logging (bad inputs, index errors).
    package func launchOrThrow(_ workflow: LiveWorkflow, trigger: RunTrigger, inputs: [String: Value]) async throws
        -> LaunchOutcome
    {
        let pinnedTo =
            state.withLock { state in
                state.stale.contains(workflow.id) ? state.lastHolder[workflow.id] : state.head
            } ?? workflow.commit
        let outcome = try await launcher.launch(
            workflow, trigger: trigger, inputs: inputs,
            commit: PinnedCommit(pinnedTo, ref: "refs/heads/\(source.branch)"))
        if case .skipped(let reason) = outcome {
            logger.info("run skipped: \(reason)", metadata: ["workflow.id": "\(workflow.id)"])
        }
        return outcome
    }

    /// Every deployed workflow version.
    package func liveWorkflows() -> [LiveWorkflow] {
        state.withLock { Array($0.live.values) }
    }

    /// The deployed version of a workflow, if any.
    package func liveWorkflow(_ id: String) -> LiveWorkflow? {
        state.withLock { $0.live[id] }
    }

    /// Why the source cannot be followed now, if so: the controller is then not ready, and
    /// nothing new is started over the API. That is at once when the repository or the tracked
    /// branch is gone (or was never read), and after three `--interval`s of failed fetches
    /// since the last good one (a short outage of the remote changes nothing).
    package var sourceProblem: String? {
        let interval = options.interval
        return state.withLock { state in
            guard let problem = state.sourceProblem else { return nil }
            if state.sourceGone { return problem }
            guard let good = state.lastGoodRead else { return problem }
            return ContinuousClock.now - good > interval * 3 ? problem : nil
        }
    }

    /// Keeps the problem in the index (`sire-git status` shows it), or clears it.
    private func recordSourceProblem(_ problem: String?) async {
        let store = runtime.store
        let value = problem.map { "\(RunNote.timestamp(Date())) \($0)" }
        try? await blocking.run {
            try store.transactionNow { tx in try tx.setControllerValue(Self.sourceProblemKey, value) }
        }
    }

    /// The index key of the source problem: `TIME REASON`.
    package static let sourceProblemKey = "source_problem"
    /// The index key of the ledger push problem: `TIME REASON`.
    package static let ledgerPushProblemKey = "ledger_push_problem"

    /// Throws `.unavailable` while the source is lost: a run started now would pin a commit
    /// the controller can no longer follow, and its results would go nowhere.
    package func requireSource() throws {
        if let problem = sourceProblem { throw ControllerError(.unavailable, "the source is unavailable: \(problem)") }
    }

    private func sourceRecovered() async {
        let was = state.withLock { state in
            defer {
                state.sourceProblem = nil
                state.sourceGone = false
                state.lastGoodRead = ContinuousClock.now
            }
            return state.sourceProblem
        }
        if was != nil {
            logger.notice("the source can be read again")
            await recordSourceProblem(nil)
        }
    }
}

/// Why reading the source failed: its fetch (the remote is unreachable or refuses us), or it
/// is gone (the tracked branch does not exist).
/// A reconcile of `head` that threw: ``stalled`` when only a new commit can change the
/// outcome (the commit's own objects or tree are the problem), else worth retrying (I/O, locks,
/// the index).
struct ReconcileFailure: Error, CustomStringConvertible {
    var head: ObjectID
    var error: any Error

    var stalled: Bool {
        switch error {
        case let error as GitError: [.notFound, .invalidSpec, .ambiguous, .unsafePath].contains(error.code)
        case let error as ControllerError: [.invalid, .usage, .forbidden, .conflict].contains(error.code)
        default: false
        }
    }

    var description: String { "\(error)" }
}

enum SourceFailure: Error, CustomStringConvertible {
    case fetch(any Error)
    case gone(any Error)

    var description: String {
        switch self {
        case .fetch(let error), .gone(let error): "\(error)"
        }
    }
}

extension Error {
    fileprivate var isGone: Bool {
        if case .gone = self as? SourceFailure { return true }
        return false
    }
}
