import Metrics

/// Every metric the controller and the engine emit, by name, with its dimensions.
///
/// They go through swift-metrics, so whatever backend the process bootstraps receives them;
/// the HTTP API's `/metrics` exports them in Prometheus text (timers become histograms in
/// seconds). Dimensions become Prometheus labels; every emission of one name uses the same
/// dimension keys, as the exposition format requires. The emitting functions live in
/// `SireMetrics+Emit.swift`; this file is the list to keep dashboards and tests honest.
package enum SireMetrics {
    /// Counter `{workflow, status}`: runs executed here that finished, by final status
    /// (`succeeded`, `failed`, `cancelled`). Emitted by the launcher.
    package static let runsTotal = "sire_runs_total"
    /// Counter `{workflow, trigger}`: runs this process started executing (a queued run counts
    /// when it leaves the queue; a run resumed after a restart counts again). `trigger` is the
    /// trigger type: `schedule`, `push`, `http`, `manual`, `rerun`.
    package static let runsStarted = "sire_runs_started_total"
    /// Timer `{workflow}`: a finished run's wall time from start to finish (seconds).
    package static let runDuration = "sire_run_duration_seconds"
    /// Timer `{workflow, status}`: each step that ran, from its start to its end (all its
    /// attempts and retry waits), by final step status (`succeeded`, `failed`, `cancelled`).
    /// Steps skipped, or failed before running (a bad `when`), are not timed. Emitted by the
    /// engine through ``MetricsRunObserver``.
    package static let stepDuration = "sire_step_duration_seconds"
    /// Gauge `{workflow}`: runs waiting in the workflow's `concurrency: queue` (or `replace`)
    /// queue, as the launcher last saw it.
    package static let runsQueued = "sire_runs_queued"
    /// Gauge: runs this process is executing now.
    package static let runsExecuting = "sire_runs_executing"
    /// Timer: how late each scheduled tick fired after its nominal time (seconds). Catch-up
    /// ticks (missed while the controller was down) are not counted: they are late on purpose.
    package static let scheduleLateness = "sire_schedule_lateness_seconds"
    /// Timer: how long reconciling one head took, whatever its result (seconds).
    package static let reconcileDuration = "sire_reconcile_duration_seconds"
    /// Counter `{result}`: reconciles by ``ReconcileResult``.
    package static let reconcilesTotal = "sire_reconciles_total"
    /// Counter `{kind}`: ledger records written to git notes, `run` (the run partitions,
    /// `refs/notes/sire/runs-*`) or `check` (`refs/notes/sire/checks`).
    package static let ledgerWrites = "sire_ledger_writes_total"
    /// Counter `{kind}`: ledger writes that failed (a notes commit that could not be made, or
    /// a run whose record cannot be built). Failed runs stay in the outbox.
    package static let ledgerWriteFailures = "sire_ledger_write_failures_total"
    /// Gauge: finished runs waiting in the outbox for their ledger record, as the last drain
    /// saw it (capped at the drain's batch size, 500: a value at the cap means at least that).
    package static let ledgerOutbox = "sire_ledger_outbox"
    /// Counter `{result}`: pushes of the ledger to a URL source's remote: `ok`, `merged` (the
    /// remote's new records were fetched and merged first) or `error`.
    package static let ledgerPushes = "sire_ledger_pushes_total"
    /// Gauge: notes (annotated commits) in the ledger whose records are not on the remote yet,
    /// as the last push attempt saw it.
    package static let ledgerUnpushed = "sire_ledger_unpushed_records"
    /// Counter `{result}`: fetches of a URL source, `ok` or `error` (authentication, host key,
    /// TLS, network).
    package static let sourceFetches = "sire_source_fetches_total"

    /// Every name above, for exporters and tests that check nothing is missing.
    package static let names: [String] = [
        runsTotal, runsStarted, runDuration, stepDuration, runsQueued, runsExecuting, scheduleLateness,
        reconcileDuration, reconcilesTotal, ledgerWrites, ledgerWriteFailures, ledgerOutbox, ledgerPushes,
        ledgerUnpushed, sourceFetches,
    ]

    /// Histogram buckets per timer for a Prometheus exporter (its default buckets stop at 10 s,
    /// too short for runs and steps, too coarse for lateness).
    package static let durationBuckets: [String: [Duration]] = {
        let long: [Duration] = [
            .milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5),
            .seconds(10), .seconds(30), .seconds(60), .seconds(300), .seconds(900), .seconds(3600),
        ]
        return [
            runDuration: long,
            stepDuration: long,
            scheduleLateness: [
                .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(50), .milliseconds(100),
                .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(15),
                .seconds(60),
            ],
            reconcileDuration: [
                .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
                .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10),
                .seconds(30),
            ],
        ]
    }()

    /// The outcome of one reconcile, the `result` of ``reconcilesTotal``.
    package enum ReconcileResult: String, Sendable, CaseIterable {
        /// The head was deployed and at least one workflow was applied or retired.
        case applied
        /// The head was refused (invalid `sire.yaml`, or it removes every workflow): nothing deployed.
        case refused
        /// Nothing changed: the head was already reconciled, or its changes touched no deployed
        /// version (no workflow file changed, or only invalid versions were attempted).
        case noop
        /// The reconcile threw (git or index failure); it is retried on the next poll.
        case error
    }

    /// Which ledger a write went to, the `kind` of the ledger counters.
    package enum LedgerKind: String, Sendable {
        /// The run partitions, `refs/notes/sire/runs-<YYYY-MM>/<writer>.<NNNN>`.
        case run
        /// `refs/notes/sire/checks`.
        case check
    }

    /// The factory metrics go to when set for the current task (and the tasks it creates);
    /// otherwise `MetricsSystem.factory`. Lets a test capture exactly what its own work
    /// emitted, while other tests in the process run in parallel, without a global bootstrap.
    @TaskLocal package static var factory: (any MetricsFactory)?
}
