/// One step of a workflow: a tool call with templated params and its control settings.
public struct Step: Sendable, Hashable {
    public var id: String
    public var name: String?
    /// The tool URI (`sire:local/http.request`, `mcp://NAME/TOOL`, `mcp:URL#TOOL`, `jsonrpc:URL#M`).
    public var tool: ToolReference
    /// Params as written, every string parsed as a template.
    public var params: TemplateValue
    /// Dependencies from `needs` and from `edges` whose `to` is this step.
    public var needs: [String]
    public var when: Expression?
    public var retry: RetryPolicy?
    public var timeout: Duration?
    /// `foreach`: the list to fan out over (`item`, `index` in scope).
    public var foreach: TemplateValue?
    /// Parallelism of a `foreach` fan-out.
    public var maxParallel: Int?
    public var onError: ErrorPolicy
    /// A `goto` handler that succeeds with `recover: true` lets the run succeed.
    public var recover: Bool
    public var repeatPolicy: RepeatPolicy?
    public var cache: CachePolicy?

    public init(
        id: String, name: String? = nil, tool: ToolReference, params: TemplateValue = .object([:]),
        needs: [String] = [], when: Expression? = nil, retry: RetryPolicy? = nil,
        timeout: Duration? = nil, foreach: TemplateValue? = nil, maxParallel: Int? = nil,
        onError: ErrorPolicy = .fail, recover: Bool = false, repeatPolicy: RepeatPolicy? = nil,
        cache: CachePolicy? = nil
    ) {
        self.id = id
        self.name = name
        self.tool = tool
        self.params = params
        self.needs = needs
        self.when = when
        self.retry = retry
        self.timeout = timeout
        self.foreach = foreach
        self.maxParallel = maxParallel
        self.onError = onError
        self.recover = recover
        self.repeatPolicy = repeatPolicy
        self.cache = cache
    }
}

/// `on_error`: what a step's failure does to the run.
public enum ErrorPolicy: Sendable, Hashable {
    /// Stop starting new steps and fail the run (the default).
    case fail
    /// Record the failure and go on.
    case `continue`
    /// Run the named handler step instead of the failed step's dependents.
    case goto(String)
}

/// `retry`: attempts with backoff and full jitter.
public struct RetryPolicy: Sendable, Hashable {
    public enum Backoff: String, Sendable, Hashable, CaseIterable {
        case exponential, linear, constant
    }

    /// Which failures are retried.
    public enum RetryOn: String, Sendable, Hashable, CaseIterable {
        /// Network errors, timeouts, HTTP 429/5xx, MCP transport errors.
        case transient
        case any
    }

    public var maxAttempts: Int
    public var backoff: Backoff
    public var initialInterval: Duration
    public var maxInterval: Duration
    public var retryOn: RetryOn

    public init(
        maxAttempts: Int = 1, backoff: Backoff = .exponential,
        initialInterval: Duration = .seconds(1), maxInterval: Duration = .seconds(60),
        retryOn: RetryOn = .transient
    ) {
        self.maxAttempts = maxAttempts
        self.backoff = backoff
        self.initialInterval = initialInterval
        self.maxInterval = maxInterval
        self.retryOn = retryOn
    }
}

/// `repeat`: call the tool again until a condition holds.
public struct RepeatPolicy: Sendable, Hashable {
    /// Evaluated with `output` bound to the latest output.
    public var until: Expression
    public var maxIterations: Int
    public var interval: Duration

    public init(until: Expression, maxIterations: Int = 10, interval: Duration = .zero) {
        self.until = until
        self.maxIterations = maxIterations
        self.interval = interval
    }
}

/// `cache`: reuse an output for the same tool and resolved params within a TTL.
public struct CachePolicy: Sendable, Hashable {
    public var ttl: Duration

    public init(ttl: Duration) {
        self.ttl = ttl
    }
}
