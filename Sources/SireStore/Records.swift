import Foundation
import SireCore

/// Where a run is in its life.
public enum RunStatus: String, Sendable, Hashable, CaseIterable {
    case queued, running, succeeded, failed, cancelled

    /// True once the run can change no more.
    public var isFinished: Bool { self == .succeeded || self == .failed || self == .cancelled }
}

/// Where a step (or one foreach item of it) is.
public enum StepStatus: String, Sendable, Hashable, CaseIterable {
    case pending, running, retrying, succeeded, failed, skipped, cancelled

    public var isFinished: Bool {
        self == .succeeded || self == .failed || self == .skipped || self == .cancelled
    }
}

/// What started a run: its type (`manual`, `schedule`, `push`, `http`, `rerun`) and a key that
/// makes it unique per workflow (a schedule tick's time, a commit, a request id).
public struct RunTrigger: Sendable, Hashable {
    public var type: String
    public var key: String

    /// The type of a run whose tools were mocked (`sire-git run --mock-file`): never recorded
    /// in the ledger.
    public static let mock = "mock"

    public init(type: String, key: String) {
        self.type = type
        self.key = key
    }
}

/// The commit a run is pinned to, with what the `git` template context shows.
public struct PinnedCommit: Sendable, Hashable {
    public var sha: String
    public var tree: String
    public var ref: String?
    public var message: String
    public var author: String

    public init(sha: String, tree: String, ref: String? = nil, message: String = "", author: String = "") {
        self.sha = sha
        self.tree = tree
        self.ref = ref
        self.message = message
        self.author = author
    }
}

/// A run as the index holds it.
public struct RunRecord: Sendable, Hashable {
    public var id: String
    public var workflowID: String
    /// Path and blob of the definition the run is pinned to.
    public var path: String
    public var blob: String
    public var commit: PinnedCommit
    public var trigger: RunTrigger
    public var inputs: [String: Value]
    /// The definition's bytes, so a run can resume without the repository's help.
    public var definition: [UInt8]
    public var status: RunStatus
    public var rerunOf: String?
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    public var error: String?
    public var cancelRequested: Bool
    /// Who runs it (host and process), for the ledger.
    public var controller: String
    /// Inputs whose values the ledger record had redacted (a run imported by `reindex`): their
    /// values in ``inputs`` are the mask, and a rerun must be given them again.
    public var redactedInputs: [String] = []

    public init(
        id: String, workflowID: String, path: String, blob: String, commit: PinnedCommit,
        trigger: RunTrigger, inputs: [String: Value], definition: [UInt8], status: RunStatus = .queued,
        rerunOf: String? = nil, createdAt: Date = Date(), startedAt: Date? = nil, finishedAt: Date? = nil,
        error: String? = nil, cancelRequested: Bool = false, controller: String = ""
    ) {
        self.id = id
        self.workflowID = workflowID
        self.path = path
        self.blob = blob
        self.commit = commit
        self.trigger = trigger
        self.inputs = inputs
        self.definition = definition
        self.status = status
        self.rerunOf = rerunOf
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.error = error
        self.cancelRequested = cancelRequested
        self.controller = controller
    }
}

/// A step's output as stored: inline JSON, or a content-addressed artifact for large ones.
public enum StoredOutput: Sendable, Hashable {
    case inline(String)
    case artifact(String)
}

/// One step (item -1) or one foreach item (item ≥ 0) of a run.
public struct StepRecord: Sendable, Hashable {
    public var runID: String
    public var stepID: String
    /// -1 for the step itself, else the foreach item's index.
    public var item: Int
    public var status: StepStatus
    /// Attempts started so far.
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var startedAt: Date?
    public var finishedAt: Date?
    public var durationMs: Int?
    public var output: StoredOutput?
    public var error: String?

    public init(
        runID: String, stepID: String, item: Int = -1, status: StepStatus = .pending, attempts: Int = 0,
        nextAttemptAt: Date? = nil, startedAt: Date? = nil, finishedAt: Date? = nil, durationMs: Int? = nil,
        output: StoredOutput? = nil, error: String? = nil
    ) {
        self.runID = runID
        self.stepID = stepID
        self.item = item
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.durationMs = durationMs
        self.output = output
        self.error = error
    }
}

/// One entry of a run's event log: step transitions, retries, log lines, the run's end.
public struct EventRecord: Sendable, Hashable {
    /// Assigned by the index; increasing across all runs (SSE event ids).
    public var seq: Int64
    public var runID: String
    public var at: Date
    /// `run.started`, `step.started`, `step.succeeded`, `step.failed`, `step.retrying`,
    /// `step.skipped`, `step.cached`, `log`, `run.finished`, ...
    public var kind: String
    public var stepID: String?
    public var item: Int?
    public var attempt: Int?
    public var data: Value?

    public init(
        seq: Int64 = 0, runID: String, at: Date = Date(), kind: String, stepID: String? = nil,
        item: Int? = nil, attempt: Int? = nil, data: Value? = nil
    ) {
        self.seq = seq
        self.runID = runID
        self.at = at
        self.kind = kind
        self.stepID = stepID
        self.item = item
        self.attempt = attempt
        self.data = data
    }
}

extension Date {
    /// Milliseconds since 1970, as the index stores times.
    var epochMilliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }

    init(epochMilliseconds ms: Int64) {
        self.init(timeIntervalSince1970: Double(ms) / 1000)
    }
}
