/// An error the command line reports as one line and an exit status (SPEC §7).
struct CLIError: Error, CustomStringConvertible {
    var message: String
    /// 1 problems found / run failed, 2 usage error, 3 internal error.
    var exitCode: Int32

    static func usage(_ message: String) -> CLIError { CLIError(message: message, exitCode: 2) }
    static func internalError(_ message: String) -> CLIError { CLIError(message: message, exitCode: 3) }

    var description: String { message }
}
