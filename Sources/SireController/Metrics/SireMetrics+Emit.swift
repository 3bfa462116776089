import Metrics

/// The emitting side: one function per event, so call sites stay one line and every
/// dimension key is spelled here only.
extension SireMetrics {
    private static var current: any MetricsFactory { factory ?? MetricsSystem.factory }

    /// A run started executing in this process.
    package static func runStarted(workflow: String, trigger: String) {
        Counter(label: runsStarted, dimensions: [("workflow", workflow), ("trigger", trigger)], factory: current)
            .increment()
    }

    /// A run finished with `status`; `duration` is nil when the run never started.
    package static func runFinished(workflow: String, status: String, duration: Duration?) {
        Counter(label: runsTotal, dimensions: [("workflow", workflow), ("status", status)], factory: current)
            .increment()
        if let duration {
            Timer(label: runDuration, dimensions: [("workflow", workflow)], factory: current)
                .record(duration: max(.zero, duration))
        }
    }

    /// A step that ran has ended with `status` after `duration`.
    package static func stepFinished(workflow: String, status: String, duration: Duration) {
        Timer(label: stepDuration, dimensions: [("workflow", workflow), ("status", status)], factory: current)
            .record(duration: max(.zero, duration))
    }

    /// `count` runs of `workflow` wait in its queue.
    package static func queued(_ count: Int, workflow: String) {
        Gauge(label: runsQueued, dimensions: [("workflow", workflow)], factory: current).record(count)
    }

    /// This process executes `count` runs.
    package static func executing(_ count: Int) {
        Gauge(label: runsExecuting, factory: current).record(count)
    }

    /// A scheduled tick fired `seconds` after its nominal time.
    package static func scheduleLate(seconds: Double) {
        Timer(label: scheduleLateness, factory: current).recordSeconds(max(0, seconds))
    }

    /// A reconcile ended with `result` after `duration`.
    package static func reconciled(_ result: ReconcileResult, duration: Duration) {
        Timer(label: reconcileDuration, factory: current).record(duration: max(.zero, duration))
        Counter(label: reconcilesTotal, dimensions: [("result", result.rawValue)], factory: current).increment()
    }

    /// `count` records were written to the `kind` ledger.
    package static func ledgerWritten(_ kind: LedgerKind, count: Int = 1) {
        guard count > 0 else { return }
        Counter(label: ledgerWrites, dimensions: [("kind", kind.rawValue)], factory: current).increment(by: count)
    }

    /// `count` writes to the `kind` ledger failed.
    package static func ledgerWriteFailed(_ kind: LedgerKind, count: Int = 1) {
        guard count > 0 else { return }
        Counter(label: ledgerWriteFailures, dimensions: [("kind", kind.rawValue)], factory: current)
            .increment(by: count)
    }

    /// `count` finished runs wait in the outbox.
    package static func outbox(_ count: Int) {
        Gauge(label: ledgerOutbox, factory: current).record(count)
    }

    /// Times `work` (a reconcile) and records its result: the outcome's, or `error` if it threw.
    package static func measureReconcile(_ work: () throws -> ReconcileOutcome) rethrows -> ReconcileOutcome {
        let start = ContinuousClock.now
        do {
            let outcome = try work()
            reconciled(ReconcileResult(outcome), duration: ContinuousClock.now - start)
            return outcome
        } catch {
            reconciled(.error, duration: ContinuousClock.now - start)
            throw error
        }
    }
    /// A fetch of the URL source ended with `result` (`ok`, `error`).
    package static func sourceFetched(_ result: String) {
        Counter(label: sourceFetches, dimensions: [("result", result)], factory: current).increment()
    }

    /// A push of the ledger ended with `result` (`ok`, `merged`, `error`).
    package static func ledgerPushed(_ result: String) {
        Counter(label: ledgerPushes, dimensions: [("result", result)], factory: current).increment()
    }

    /// `count` notes of the ledger are not on the remote yet.
    package static func ledgerUnpushedRecords(_ count: Int) {
        Gauge(label: ledgerUnpushed, factory: current).record(count)
    }
}

extension SireMetrics.ReconcileResult {
    /// The result a reconcile outcome counts as.
    package init(_ outcome: ReconcileOutcome) {
        if outcome.alreadyReconciled {
            self = .noop
        } else if outcome.refused != nil {
            self = .refused
        } else if !outcome.applied.isEmpty || !outcome.retired.isEmpty {
            self = .applied
        } else {
            self = .noop
        }
    }
}
