import Foundation
import SireCore

extension BuiltinTools {
    /// Default `max_output`, per stream.
    static let defaultMaximumOutput = 1024 * 1024
    /// Default `grace` between SIGTERM and SIGKILL.
    static let defaultGrace = Duration.seconds(2)
    /// Variables a child inherits from the controller; everything else (secrets included) stays out.
    static let inheritedEnvironment = [
        "PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "SHELL",
        "TERM",
    ]

    /// `shell.run {argv} | {command, shell: true}, env?, cwd?, stdin?, timeout?, max_output?, grace?`
    /// → `{exit_code, stdout, stderr, duration_ms, stdout_json?}`.
    ///
    /// Runs in the checkout (or `cwd` inside it). A non-zero exit is a permanent failure with
    /// the output attached; a timeout or cancellation stops the process (SIGTERM, then SIGKILL
    /// after `grace`) and is a transient failure.
    func runShell(_ call: ToolCall) async throws(ToolError) -> Value {
        let tool = "shell.run"
        let params = try ToolParameters(
            call.params, tool: tool,
            allowed: [
                "argv", "command", "shell", "env", "cwd", "stdin", "timeout", "max_output", "grace",
            ])
        let command = try commandLine(params)
        let maximumOutput = try params.int("max_output") ?? Self.defaultMaximumOutput
        guard maximumOutput >= 0 else { throw params.error("max_output", "must not be negative") }
        let checkout = try Checkout(call.checkout, tool: tool)
        let directory = try params.string("cwd").map { (cwd) throws(ToolError) in
            try checkout.resolve(cwd, tool: tool)
        }
        if let directory {
            var info = stat()
            guard stat(directory.absolute, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
                throw params.error(
                    "cwd", "'\(directory.display)' is not a directory in the checkout")
            }
        }

        var environment: [String: String] = [:]
        let current = ProcessInfo.processInfo.environment
        for name in Self.inheritedEnvironment {
            if let value = current[name] { environment[name] = value }
        }
        environment["PATH"] = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        environment["SIRE_RUN_ID"] = call.runID
        environment["SIRE_STEP_ID"] = call.stepID
        environment["SIRE_ATTEMPT"] = String(call.attempt)
        environment["SIRE_IDEMPOTENCY_KEY"] = call.idempotencyKey
        for (name, value) in try params.object("env") ?? [:] {
            guard !name.isEmpty, !name.contains("="), !name.contains("\0") else {
                throw params.error("env", "has an invalid variable name '\(name)'")
            }
            switch value {
            case .string(let text): environment[name] = text
            case .int, .double, .bool: environment[name] = value.stringified
            default:
                throw params.error(
                    "env", "value of '\(name)' must be a string, not \(value.typeName)")
            }
        }

        let stdout = OutputCapture(
            stream: "stdout", level: "info", limit: maximumOutput, log: call.log, secrets: call.secrets)
        let stderr = OutputCapture(
            stream: "stderr", level: "warning", limit: maximumOutput, log: call.log, secrets: call.secrets)
        let timeout = try params.duration("timeout")
        let process = ProcessRun(
            executable: command[0], arguments: Array(command.dropFirst()), environment: environment,
            directory: directory?.absolute ?? checkout.root,
            standardInput: try params.string("stdin"),
            timeout: [timeout, call.timeout].compactMap { $0 }.min(),
            grace: try params.duration("grace") ?? Self.defaultGrace, stdout: stdout, stderr: stderr,
            isolation: call.isolation, writable: [checkout.root]
        )
        let outcome = try await process.run()

        let stdoutText = stdout.text
        var output: [String: Value] = [
            "stdout": .string(stdoutText), "stderr": .string(stderr.text),
            "duration_ms": .int(milliseconds(outcome.duration)),
        ]
        if !stdout.truncated, let json = try? Value.parseJSON(stdoutText) {
            switch json {
            case .object, .array: output["stdout_json"] = json
            default: break
            }
        }
        let name = command[0]
        switch outcome.ending {
        case .exited(let code):
            output["exit_code"] = .int(Int(code))
            guard code == 0 else {
                throw ToolError(
                    "\(tool): '\(name)' exited with status \(code)\(lastLine(stderr.text))",
                    output: .object(output))
            }
            return .object(output)
        case .signaled(let signal):
            output["exit_code"] = .int(128 + Int(signal))
            output["signal"] = .int(Int(signal))
            throw ToolError(
                "\(tool): '\(name)' was killed by signal \(signal)\(lastLine(stderr.text))",
                output: .object(output))
        case .timedOut:
            throw ToolError(
                "\(tool): '\(name)' timed out after "
                    + DurationText.format(process.timeout ?? .zero) + " and was stopped",
                transient: true, output: .object(output))
        case .cancelled:
            throw ToolError(
                "\(tool): '\(name)' was cancelled and stopped", transient: true,
                output: .object(output))
        }
    }

    /// The argv to run: `argv` as given, or `/bin/sh -c command` when `shell: true` asks for one.
    private func commandLine(_ params: ToolParameters) throws(ToolError) -> [String] {
        let argv = try params.strings("argv")
        let command = try params.string("command")
        let shell = try params.bool("shell") ?? false
        switch (argv, command) {
        case (.some, .some):
            throw ToolError("shell.run: give either 'argv' or 'command', not both")
        case (let argv?, nil):
            guard !shell else {
                throw params.error(
                    "shell", "applies to 'command'; 'argv' never runs through a shell")
            }
            guard let first = argv.first, !first.isEmpty else {
                throw params.error("argv", "must name a program to run")
            }
            return argv
        case (nil, let command?):
            guard shell else {
                throw ToolError(
                    "shell.run: 'command' runs through /bin/sh only with shell: true; "
                        + "or pass the program and its arguments as 'argv'")
            }
            return ["/bin/sh", "-c", command]
        case (nil, nil):
            throw ToolError("shell.run: missing 'argv' (or 'command' with shell: true)")
        }
    }

    /// `: LAST STDERR LINE` to make a failure message self-explanatory, or nothing.
    private func lastLine(_ text: String) -> String {
        guard let line = text.split(separator: "\n").last(where: { !$0.allSatisfy(\.isWhitespace) })
        else { return "" }
        return ": " + String(line.prefix(300))
    }
}
