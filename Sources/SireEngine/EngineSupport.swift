import SireCore
import SireStore

/// Makes the directory a run's file tools and processes see: the pinned commit's tree.
public protocol CheckoutProvider: Sendable {
    /// The checkout of `run`, created on first use and kept until `release`.
    func checkout(for run: RunRecord) throws -> String
    /// Called once the run has finished.
    func release(_ run: RunRecord)
}

/// Turns a run's stored definition back into a workflow (the composition root parses and
/// validates; the engine knows no YAML).
public protocol DefinitionLoader: Sendable {
    func workflow(for run: RunRecord) throws -> Workflow
}

/// Receives a run's events as they happen (progress on a terminal, live event streams).
public protocol RunObserver: Sendable {
    func observe(_ event: EventRecord)
    /// A step that ran has ended (succeeded, failed or cancelled) after `duration`, all its
    /// attempts included: what metrics time. Called on the run's loop before the step's end is
    /// committed, so it must return at once. Not called for steps skipped, or failed before
    /// running (a `when` that cannot be evaluated).
    func stepFinished(workflowID: String, stepID: String, status: StepStatus, duration: Duration)
}

extension RunObserver {
    /// Observers that only follow events ignore step timings.
    public func stepFinished(workflowID: String, stepID: String, status: StepStatus, duration: Duration) {}
}

/// Engine settings.
public struct EngineConfiguration: Sendable {
    /// Tool calls in flight at once across all runs.
    public var globalParallelism: Int
    /// Steps of one run at once when the workflow does not say (`max_parallel`).
    public var defaultMaxParallel: Int
    /// How often a run checks whether another process asked to cancel it.
    public var cancelPollInterval: Duration
    /// How long a run's lease lasts without renewal; another engine resumes the run after.
    public var leaseDuration: Duration
    /// Who this engine is in the index (`host:pid:random`).
    public var owner: String
    /// How long a cancelled `shell.run` child gets between SIGTERM and SIGKILL is the tool's
    /// business; this is how long the engine waits for cancelled steps before giving up.
    public var cancelGrace: Duration
    /// How the processes steps start are confined.
    public var isolation: StepIsolation = .none

    public init(
        globalParallelism: Int = 64, defaultMaxParallel: Int = 2, cancelPollInterval: Duration = .milliseconds(250),
        leaseDuration: Duration = .seconds(15), owner: String, cancelGrace: Duration = .seconds(5)
    ) {
        self.globalParallelism = globalParallelism
        self.defaultMaxParallel = defaultMaxParallel
        self.cancelPollInterval = cancelPollInterval
        self.leaseDuration = leaseDuration
        self.owner = owner
        self.cancelGrace = cancelGrace
    }
}

/// What a new run is: the workflow pinned to a commit, its trigger and inputs.
public struct NewRun: Sendable {
    public var workflow: Workflow
    public var path: String
    public var blob: String
    public var definition: [UInt8]
    public var commit: PinnedCommit
    public var trigger: RunTrigger
    /// Already validated against the workflow's declared inputs (defaults filled in).
    public var inputs: [String: Value]
    public var rerunOf: String?

    public init(
        workflow: Workflow, path: String, blob: String, definition: [UInt8], commit: PinnedCommit,
        trigger: RunTrigger, inputs: [String: Value], rerunOf: String? = nil
    ) {
        self.workflow = workflow
        self.path = path
        self.blob = blob
        self.definition = definition
        self.commit = commit
        self.trigger = trigger
        self.inputs = inputs
        self.rerunOf = rerunOf
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    var milliseconds: Int {
        Int(components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000)
    }
}
