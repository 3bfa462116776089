/// The stable rule ids diagnostics carry. Tools and users match on these; never rename one.
public enum Rule {
    public static let yamlSyntax = "yaml-syntax"
    public static let fileTooLarge = "file-too-large"
    public static let emptyFile = "empty-file"
    public static let invalidEncoding = "invalid-encoding"
    public static let unknownKey = "unknown-key"
    public static let typeMismatch = "type-mismatch"
    public static let invalidValue = "invalid-value"
    public static let missingKey = "missing-key"
    public static let invalidID = "invalid-id"
    public static let duplicateStepID = "duplicate-step-id"
    public static let duplicateWorkflowID = "duplicate-workflow-id"
    public static let duplicateInput = "duplicate-input"
    public static let unknownStep = "unknown-step"
    public static let cycle = "cycle"
    public static let tooManySteps = "too-many-steps"
    public static let expressionSyntax = "expression-syntax"
    public static let unknownContext = "unknown-context"
    public static let unknownField = "unknown-field"
    public static let unknownStepReference = "unknown-step-reference"
    public static let notAncestor = "not-ancestor"
    public static let unknownInput = "unknown-input"
    public static let unknownFunction = "unknown-function"
    public static let functionArity = "function-arity"
    public static let itemOutsideForeach = "item-outside-foreach"
    public static let outputOutsideRepeat = "output-outside-repeat"
    public static let invalidCron = "invalid-cron"
    public static let invalidTimeZone = "invalid-timezone"
    public static let invalidDuration = "invalid-duration"
    public static let invalidToolURI = "invalid-tool-uri"
    public static let unknownBuiltin = "unknown-builtin"
    public static let unknownServer = "unknown-server"
    public static let invalidInputDefault = "invalid-input-default"
    public static let invalidScheduleInputs = "invalid-schedule-inputs"
    public static let invalidGlob = "invalid-glob"
    public static let selfDependency = "self-dependency"
    public static let unusedHandler = "unused-recover"
    public static let emptyWorkflowSet = "empty-workflow-set"
    public static let unknownMCPTool = "unknown-mcp-tool"
    public static let mcpParamSchema = "mcp-param-schema"
    public static let mcpServerUnreachable = "mcp-server-unreachable"
    public static let shellTemplate = "shell-template"
    public static let symlink = "symlink"
    public static let wholeSecrets = "whole-secrets"
}

extension Rule {
    /// A one-line summary of what a rule checks (SARIF rule metadata, docs).
    public static func summary(_ rule: String) -> String {
        summaries[rule] ?? rule
    }

    static let summaries: [String: String] = [
        yamlSyntax: "The file is not well-formed YAML.",
        "yaml-tab": "Tabs cannot indent YAML.",
        "duplicate-key": "A mapping key is repeated.",
        "yaml-alias-budget": "YAML aliases expand beyond the node budget.",
        "yaml-depth": "YAML nesting is too deep.",
        "yaml-multiple-documents": "A workflow file holds one YAML document.",
        fileTooLarge: "A workflow file is limited to 1 MiB.",
        emptyFile: "The file is empty.",
        invalidEncoding: "The file is not UTF-8.",
        unknownKey: "A key is not part of the workflow format.",
        typeMismatch: "A value has the wrong type.",
        invalidValue: "A value is out of range or not allowed.",
        missingKey: "A required key is missing.",
        invalidID: "An id or name does not follow the naming rules.",
        duplicateStepID: "Two steps share an id.",
        duplicateWorkflowID: "Two workflow files share an id.",
        duplicateInput: "An input is declared twice.",
        unknownStep: "A dependency or handler names a step that does not exist.",
        cycle: "Step dependencies form a cycle.",
        tooManySteps: "A workflow is limited to 1000 steps.",
        expressionSyntax: "An expression or template does not parse.",
        unknownContext: "An expression starts from a name that is not a context.",
        unknownField: "An expression asks a context for a field it does not have.",
        unknownStepReference: "An expression refers to a step that does not exist.",
        notAncestor: "An expression refers to a step that is not a dependency, so its result may not exist.",
        unknownInput: "An expression refers to an input that is not declared.",
        unknownFunction: "An expression calls an unknown function.",
        functionArity: "A function is called with the wrong number of arguments.",
        itemOutsideForeach: "item and index exist only in foreach steps.",
        outputOutsideRepeat: "output exists only in repeat.until.",
        invalidCron: "A cron expression is invalid.",
        invalidTimeZone: "A time zone is not a known IANA name.",
        invalidDuration: "A duration is invalid.",
        invalidToolURI: "A tool URI is malformed.",
        unknownBuiltin: "A built-in tool does not exist.",
        unknownServer: "An MCP server is not declared in sire.yaml.",
        invalidInputDefault: "An input's default or enum does not match its type.",
        invalidScheduleInputs: "A schedule's inputs do not match the declared inputs.",
        invalidGlob: "A path pattern is invalid.",
        selfDependency: "A step depends on itself.",
        unusedHandler: "recover is set on a step no on_error goto names.",
        emptyWorkflowSet: "A commit removes every workflow.",
        unknownMCPTool: "An MCP server does not list the tool a step calls (validate --online).",
        mcpParamSchema: "A literal param does not satisfy the MCP tool's inputSchema (validate --online).",
        mcpServerUnreachable: "An MCP server could not be reached or listed (validate --online).",
        wholeSecrets: "The secrets object is used whole or by a computed name; name each secret (secrets.NAME).",
        symlink: "A workflow file or sire.yaml in the work tree is a symbolic link; it is not read.",
        shellTemplate: "A template is spliced unquoted into a shell command; quote it with shq().",
    ]
}
