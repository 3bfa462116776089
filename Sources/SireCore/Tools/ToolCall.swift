/// One call of a tool by one attempt of a step: everything a tool may use, nothing more.
///
/// The engine builds it; a `ToolInvoker` routes it by `tool`. Tools know nothing of runs,
/// graphs or storage.
public struct ToolCall: Sendable {
    public var tool: ToolReference
    /// The step's params with every template rendered.
    public var params: Value
    public var runID: String
    public var stepID: String
    /// 1-based attempt number.
    public var attempt: Int
    /// Directory holding the pinned commit's tree: file tools are confined to it and
    /// processes start in it.
    public var checkout: String
    /// The call should finish within this; the engine also cancels the task when it passes.
    public var timeout: Duration?
    /// Where a tool sends log lines (`log.write`, `shell.run` output); they become run events.
    public var log: ToolLog
    /// The secret values the engine will redact from the result: a tool that cuts its output
    /// short redacts first, so no part of a secret survives the cut.
    public var secrets: Secrets
    /// How processes the call starts are confined (`shell.run` commands, stdio MCP servers).
    public var isolation: StepIsolation

    public init(
        tool: ToolReference, params: Value, runID: String, stepID: String, attempt: Int,
        checkout: String, timeout: Duration? = nil, log: ToolLog = ToolLog { _ in },
        secrets: Secrets = Secrets(), isolation: StepIsolation = .none
    ) {
        self.tool = tool
        self.params = params
        self.runID = runID
        self.stepID = stepID
        self.attempt = attempt
        self.checkout = checkout
        self.timeout = timeout
        self.log = log
        self.secrets = secrets
        self.isolation = isolation
    }

    /// `RUN/STEP/ATTEMPT`: sent with every call so remote tools can deduplicate retries of a
    /// call that may have reached them before a crash.
    public var idempotencyKey: String { "\(runID)/\(stepID)/\(attempt)" }
}

/// A sink for a tool's log lines.
public struct ToolLog: Sendable {
    private let sink: @Sendable (ToolLogLine) -> Void

    public init(_ sink: @escaping @Sendable (ToolLogLine) -> Void) {
        self.sink = sink
    }

    public func callAsFunction(_ line: ToolLogLine) {
        sink(line)
    }
}

/// One line a tool logged.
public struct ToolLogLine: Sendable, Hashable {
    /// `debug`, `info`, `notice`, `warning`, `error`.
    public var level: String
    public var message: String
    /// `stdout` / `stderr` for process output; nil for `log.write`.
    public var stream: String?
    /// The line was too long to send in one piece and goes on in the next line of the same
    /// stream (so redaction can see a secret that straddles the cut).
    public var continues: Bool

    public init(level: String, message: String, stream: String? = nil, continues: Bool = false) {
        self.level = level
        self.message = message
        self.stream = stream
        self.continues = continues
    }
}

/// A failed tool call: a recorded result, not a crash.
public struct ToolError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    /// Network errors, timeouts, HTTP 429/5xx, MCP transport errors: retried under
    /// `retry_on: transient` (the default). Everything else is retried only under `any`.
    public var transient: Bool
    /// What the tool did produce (exit code and output of a process, an HTTP response), kept
    /// with the failure for `steps.ID.error` and for debugging.
    public var output: Value?

    public init(_ message: String, transient: Bool = false, output: Value? = nil) {
        self.message = message
        self.transient = transient
        self.output = output
    }

    public var description: String { message }
}

/// Something that can perform tool calls: the dispatcher, or one family of tools behind it.
public protocol ToolInvoker: Sendable {
    /// Performs the call and returns the tool's JSON object. Honours task cancellation.
    func call(_ call: ToolCall) async throws(ToolError) -> Value
}
