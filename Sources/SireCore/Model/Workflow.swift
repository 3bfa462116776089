/// A validated workflow definition: one YAML file under the workflow directories.
///
/// Positions of every part that can fail at run time (templates, expressions) are kept inside
/// the parsed `Template`/`Expression` values, so run-time errors can still name file:line:col.
public struct Workflow: Sendable, Hashable {
    /// Identity: `[a-z0-9][a-z0-9_-]{0,62}`, defaulting to the file stem.
    public var id: String
    public var name: String?
    public var description: String?
    /// Declared inputs, in file order.
    public var inputs: [InputSpec]
    public var triggers: Triggers
    public var concurrency: ConcurrencyPolicy?
    public var catchup: CatchupPolicy
    public var timeout: Duration?
    /// Steps of one run at once; nil means the number of cores.
    public var maxParallel: Int?
    public var defaults: StepDefaults
    /// Steps in file order.
    public var steps: [Step]

    public init(
        id: String, name: String? = nil, description: String? = nil, inputs: [InputSpec] = [],
        triggers: Triggers = Triggers(), concurrency: ConcurrencyPolicy? = nil,
        catchup: CatchupPolicy = CatchupPolicy(), timeout: Duration? = nil,
        maxParallel: Int? = nil, defaults: StepDefaults = StepDefaults(), steps: [Step] = []
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.inputs = inputs
        self.triggers = triggers
        self.concurrency = concurrency
        self.catchup = catchup
        self.timeout = timeout
        self.maxParallel = maxParallel
        self.defaults = defaults
        self.steps = steps
    }

    /// The step with this id, if any.
    public func step(_ id: String) -> Step? {
        steps.first { $0.id == id }
    }
}

/// A declared, typed workflow input.
public struct InputSpec: Sendable, Hashable {
    /// The JSON-ish type an input must have.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case string, integer, number, boolean, object, array
    }

    public var name: String
    public var kind: Kind
    public var required: Bool
    public var defaultValue: Value?
    public var allowed: [Value]?
    public var description: String?

    public init(
        name: String, kind: Kind = .string, required: Bool = false, defaultValue: Value? = nil,
        allowed: [Value]? = nil, description: String? = nil
    ) {
        self.name = name
        self.kind = kind
        self.required = required
        self.defaultValue = defaultValue
        self.allowed = allowed
        self.description = description
    }
}

/// What starts runs of a workflow besides a manual `sire-git run`.
public struct Triggers: Sendable, Hashable {
    public var schedules: [ScheduleTrigger]
    public var push: PushTrigger?
    /// `on.http`: runs may be started with `POST /v1/workflows/{id}/runs`.
    public var http: Bool

    public init(schedules: [ScheduleTrigger] = [], push: PushTrigger? = nil, http: Bool = false) {
        self.schedules = schedules
        self.push = push
        self.http = http
    }
}

/// One `on.schedule` entry.
public struct ScheduleTrigger: Sendable, Hashable {
    public var cron: CronSchedule
    /// IANA time zone identifier; `UTC` by default.
    public var timeZone: String
    public var inputs: [String: Value]

    public init(cron: CronSchedule, timeZone: String = "UTC", inputs: [String: Value] = [:]) {
        self.cron = cron
        self.timeZone = timeZone
        self.inputs = inputs
    }
}

/// `on.push`: a new commit on the tracked branch whose diff touches a matching path.
public struct PushTrigger: Sendable, Hashable {
    /// Glob patterns (`data/**`); empty means any path.
    public var paths: [String]

    public init(paths: [String] = []) {
        self.paths = paths
    }
}

/// `concurrency`: how many runs of the workflow may be active, and what happens to the next.
public struct ConcurrencyPolicy: Sendable, Hashable {
    public enum Overflow: String, Sendable, Hashable, CaseIterable {
        case skip, queue, replace
    }

    /// Nil means unlimited.
    public var limit: Int?
    public var policy: Overflow

    public init(limit: Int? = nil, policy: Overflow = .queue) {
        self.limit = limit
        self.policy = policy
    }
}

/// `catchup`: what to do with schedule ticks missed while the controller was down.
public struct CatchupPolicy: Sendable, Hashable {
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        case none, latest, all
    }

    public var mode: Mode
    /// Only ticks newer than this are caught up; nil means no limit.
    public var window: Duration?

    public init(mode: Mode = .none, window: Duration? = nil) {
        self.mode = mode
        self.window = window
    }
}

/// `defaults`: step settings applied where a step does not set its own.
public struct StepDefaults: Sendable, Hashable {
    public var retry: RetryPolicy?
    public var timeout: Duration?

    public init(retry: RetryPolicy? = nil, timeout: Duration? = nil) {
        self.retry = retry
        self.timeout = timeout
    }
}
