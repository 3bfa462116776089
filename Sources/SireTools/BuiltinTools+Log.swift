import SireCore

extension BuiltinTools {
    /// The levels `log.write` accepts, as `ToolLogLine.level` documents them.
    static let logLevels = ["debug", "info", "notice", "warning", "error"]

    /// `log.write {level?: info, message}` → `{level, message}`; the line goes to `call.log`.
    func writeLog(_ call: ToolCall) throws(ToolError) -> Value {
        let params = try ToolParameters(
            call.params, tool: "log.write", allowed: ["level", "message"])
        let level = try params.string("level") ?? "info"
        guard Self.logLevels.contains(level) else {
            throw params.error(
                "level",
                "must be one of \(Self.logLevels.joined(separator: ", ")), not '\(level)'"
                    + Suggestion.hint(for: level, in: Self.logLevels))
        }
        // A non-string message (a number, an object from a template) is logged as JSON rather
        // than refused: logging is for people, and refusing would hide what they wanted to see.
        guard let message = params["message"] else { throw params.missing("message") }
        let text = message.stringified
        call.log(ToolLogLine(level: level, message: text))
        return .object(["level": .string(level), "message": .string(text)])
    }
}
