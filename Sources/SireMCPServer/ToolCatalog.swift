import MCP

/// The tools sire-git serves over MCP, with their input and output JSON Schemas.
///
/// Input schemas are closed (`additionalProperties: false`) so a client learns every argument
/// from them; output schemas name the fields a client can rely on and leave room for more.
enum ToolCatalog {
    /// Who may call a tool over HTTP (bearer token roles); stdio callers may call every tool.
    enum Access: Sendable {
        /// Reads only: the viewer role.
        case read
        /// Starts or stops runs: the operator role.
        case operate
    }

    struct Entry: Sendable {
        var name: String
        var title: String
        var description: String
        var input: Value
        var output: Value
        var access: Access
        /// The tool changes nothing (MCP `readOnlyHint`).
        var readOnly: Bool

        /// The arguments the input schema names.
        var argumentNames: [String] {
            guard case .object(let schema) = input, case .object(let properties)? = schema["properties"] else {
                return []
            }
            return properties.keys.sorted()
        }

        /// The tool as `tools/list` describes it.
        var tool: Tool {
            Tool(
                name: name, title: title, description: description, inputSchema: input,
                annotations: Tool.Annotations(
                    title: title, readOnlyHint: readOnly, idempotentHint: readOnly ? true : nil,
                    openWorldHint: readOnly ? false : nil),
                outputSchema: output)
        }
    }

    /// The six tools; `runsAnyRevision` adds `rev` to `run_workflow` (a local server).
    static func entries(runsAnyRevision: Bool) -> [Entry] {
        var runProperties: [String: Value] = [
            "workflow": .object([
                "type": "string", "minLength": 1,
                "description": "The workflow id (or, on a local server, its path).",
            ]),
            "inputs": .object([
                "type": "object",
                "description":
                    "The workflow's inputs by name; checked against the inputs it declares, defaults filled in.",
            ]),
            "wait_seconds": waitSeconds(
                "Wait up to this long for the run to finish before answering (0, the default, answers at once). "
                    + "With a progressToken, each step event is sent as a progress notification meanwhile."),
            "idempotency_key": .object([
                "type": "string", "minLength": 1, "maxLength": 200,
                "description":
                    "Calling again with the same key (for the same workflow) returns the run the first call started (launch: existing) instead of starting another: safe retries.",
            ]),
        ]
        var runDescription =
            "Start a run of a workflow and return it (optionally after waiting for it to finish). "
            + "The workflow's concurrency policy applies: a queued run starts when a slot frees; a skipped one is an error."
        if runsAnyRevision {
            runProperties["rev"] = .object([
                "type": "string", "minLength": 1,
                "description": "The revision to read the workflow from and pin the run to (default HEAD).",
            ])
            runDescription += " The run executes in this server, reading the workflow from git at `rev`."
        } else {
            runDescription +=
                " The controller runs the deployed version; the workflow must allow API triggers (`on: { http: {} }`)."
        }
        return [
            Entry(
                name: "list_workflows", title: "List workflows",
                description:
                    "The workflows defined at a revision (default: the tracked branch head, or HEAD), with their "
                    + "validity, problems, triggers, inputs and, when the controller has seen them, their deployment.",
                input: closed(["rev": revision]), output: listOutput, access: .read, readOnly: true),
            Entry(
                name: "validate", title: "Validate workflows",
                description:
                    "Validate every workflow at a revision, or YAML you pass in `files` (validated together with the "
                    + "other workflows at that revision, so duplicate ids are caught). Problems come with "
                    + "path, line, column and a stable rule id.",
                input: closed([
                    "rev": revision,
                    "files": .object([
                        "type": "object",
                        "description": .string(
                            "Workflow files to check instead of the committed ones: repository-relative path → YAML "
                                + "text. Only these files are reported. `sire.yaml` may be given too."),
                        "additionalProperties": .object(["type": "string"]),
                    ]),
                ]),
                output: validateOutput, access: .read, readOnly: true),
            Entry(
                name: "run_workflow", title: "Run a workflow", description: runDescription,
                input: closed(runProperties, required: ["workflow"]), output: runOutput(launch: true),
                access: .operate, readOnly: false),
            Entry(
                name: "get_run", title: "Get a run",
                description:
                    "A run with its steps (status, attempts, durations, errors, outputs). To watch a run, pass "
                    + "`events_after` (0 at first, then the `last_event` you got) to receive its new step events and "
                    + "log lines, and `wait_seconds` to wait for it to finish.",
                input: closed(
                    [
                        "run": runID,
                        "events_after": .object([
                            "type": "integer", "minimum": 0,
                            "description": "Also return the run's events with a sequence number above this one.",
                        ]),
                        "wait_seconds": waitSeconds("Wait up to this long for the run to finish before answering."),
                    ], required: ["run"]),
                output: runOutput(launch: false), access: .read, readOnly: true),
            Entry(
                name: "cancel_run", title: "Cancel a run",
                description:
                    "Ask a queued or running run to stop: running steps are cancelled and the run ends `cancelled`. "
                    + "A finished run is left as it is (`cancel_requested` false).",
                input: closed(["run": runID], required: ["run"]),
                output: .object([
                    "type": "object", "required": ["run", "cancel_requested", "status"],
                    "properties": .object([
                        "run": .object(["type": "string"]), "cancel_requested": .object(["type": "boolean"]),
                        "status": runStatus,
                    ]),
                ]),
                access: .operate, readOnly: false),
            Entry(
                name: "commit_status", title: "Commit status",
                description:
                    "What a commit defines and what happened to it (the data of `sire-git status --json`): its "
                    + "workflows with validity and deployment, next schedule fires, and the runs pinned to it "
                    + "(all counted in run_counts; the newest `runs` listed, 20 unless told, \"all\" for every one).",
                input: closed([
                    "rev": revision,
                    "runs": .object([
                        "type": ["integer", "string"], "minimum": 0,
                        "description": "How many of the newest runs to list (0: none), or \"all\".",
                    ]),
                ]),
                output: .object([
                    "type": "object", "required": ["commit", "workflows", "runs"],
                    "properties": .object([
                        "commit": .object(["type": "object", "required": ["sha"]]),
                        "workflows": .object(["type": "array"]), "runs": .object(["type": "array"]),
                    ]),
                ]),
                access: .read, readOnly: true),
        ]
    }

    // MARK: schema parts

    static func closed(_ properties: [String: Value], required: [String] = []) -> Value {
        var schema: [String: Value] = [
            "type": "object", "properties": .object(properties), "additionalProperties": false,
        ]
        if !required.isEmpty { schema["required"] = .array(required.map(Value.string)) }
        return .object(schema)
    }

    static let revision: Value = .object([
        "type": "string", "minLength": 1,
        "description": "A git revision: a commit id (or prefix), branch, tag or expression such as HEAD~1.",
    ])

    static let runID: Value = .object(["type": "string", "minLength": 1, "description": "The run id."])

    static func waitSeconds(_ description: String) -> Value {
        .object(["type": "number", "minimum": 0, "maximum": 3600, "description": .string(description)])
    }

    static let runStatus: Value = .object([
        "type": "string", "enum": .array(["queued", "running", "succeeded", "failed", "cancelled"]),
    ])

    static let nullableString: Value = .object(["type": .array(["string", "null"])])

    static func runOutput(launch: Bool) -> Value {
        var properties: [String: Value] = [
            "id": .object(["type": "string"]), "workflow": .object(["type": "string"]),
            "commit": .object(["type": "string"]), "path": .object(["type": "string"]),
            "status": runStatus, "inputs": .object(["type": "object"]),
            "trigger": .object(["type": "object", "required": ["type", "key"]]),
            "steps": .object([
                "type": "object",
                "additionalProperties": .object([
                    "type": "object", "required": ["status", "attempts"],
                    "properties": .object([
                        "status": .object(["type": "string"]), "attempts": .object(["type": "integer"]),
                    ]),
                ]),
            ]),
            "error": nullableString, "started_at": nullableString, "finished_at": nullableString,
            "events": .object(["type": "array", "items": .object(["type": "object", "required": ["seq", "kind"]])]),
            "last_event": .object(["type": "integer"]),
        ]
        var required: [Value] = ["id", "workflow", "commit", "status", "steps"]
        if launch {
            properties["launch"] = .object([
                "type": "string", "enum": ["started", "queued", "existing"],
                "description": "Whether the run started at once or waits for a concurrency slot.",
            ])
            required.append("launch")
        }
        return .object(["type": "object", "required": .array(required), "properties": .object(properties)])
    }

    static let listOutput: Value = .object([
        "type": "object", "required": ["commit", "workflows"],
        "properties": .object([
            "commit": .object(["type": "string"]),
            "workflows": .object([
                "type": "array",
                "items": .object([
                    "type": "object", "required": ["path", "valid", "diagnostics"],
                    "properties": .object([
                        "id": nullableString, "path": .object(["type": "string"]),
                        "valid": .object(["type": "boolean"]), "diagnostics": .object(["type": "array"]),
                        "deployment": .object(["type": .array(["object", "null"])]),
                    ]),
                ]),
            ]),
        ]),
    ])

    static let validateOutput: Value = .object([
        "type": "object", "required": ["valid", "errors", "warnings", "workflows"],
        "properties": .object([
            "valid": .object(["type": "boolean"]), "errors": .object(["type": "integer"]),
            "warnings": .object(["type": "integer"]), "commit": nullableString,
            "workflows": .object([
                "type": "array",
                "items": .object([
                    "type": "object", "required": ["path", "valid", "diagnostics"],
                    "properties": .object([
                        "path": .object(["type": "string"]), "valid": .object(["type": "boolean"]),
                        "diagnostics": .object([
                            "type": "array",
                            "items": .object([
                                "type": "object",
                                "required": ["rule", "severity", "path", "line", "column", "message"],
                            ]),
                        ]),
                    ]),
                ]),
            ]),
        ]),
    ])
}
