import Foundation
import SireCore
import Subprocess

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// One child process for `shell.run`: streamed output, a time limit, and a teardown that
/// leaves nothing running.
///
/// The child leads its own process group, so SIGTERM (then SIGKILL after `grace`) reaches
/// whatever it started too, not just the shell.
struct ProcessRun {
    var executable: String
    var arguments: [String]
    var environment: [String: String]
    var directory: String
    var standardInput: String?
    var timeout: Duration?
    var grace: Duration
    var stdout: OutputCapture
    var stderr: OutputCapture
    /// The sandbox and user the process runs under; `writable` is what it may change.
    var isolation: StepIsolation = .none
    var writable: [String] = []

    /// How the process ended.
    enum Ending: Equatable {
        case exited(Int32)
        case signaled(Int32)
        /// The time limit passed and the process was stopped.
        case timedOut
        /// The calling task was cancelled and the process was stopped.
        case cancelled
    }

    struct Outcome {
        var ending: Ending
        var duration: Duration
        var processID: Int32?
    }

    func run() async throws(ToolError) -> Outcome {
        let clock = ContinuousClock()
        let start = clock.now
        let processID = LockedValue<Int32?>(nil)
        // Cancelling the process task on the time limit runs Subprocess's teardown sequence.
        let race = await withTimeout(timeout) { await spawn(processID) }
        let pid = processID.value
        if let pid {
            // The group may outlive its leader (a background job, a child ignoring SIGTERM
            // whose shell exited): a step's processes must not outlive the step. The id cannot
            // name another group yet: it is not reused while any member of this one lives.
            kill(-pid, SIGKILL)
        }
        stdout.finish()
        stderr.finish()
        let duration = clock.now - start
        if race.1 { return Outcome(ending: .timedOut, duration: duration, processID: pid) }
        if Task.isCancelled {
            return Outcome(ending: .cancelled, duration: duration, processID: pid)
        }
        switch race.0 {
        case .success(.exited(let code)):
            return Outcome(ending: .exited(code), duration: duration, processID: pid)
        case .success(.signaled(let signal)):
            return Outcome(ending: .signaled(signal), duration: duration, processID: pid)
        case .failure(let error):
            throw ToolError("shell.run: cannot run '\(executable)': \(error)")
        }
    }

    private func spawn(_ processID: LockedValue<Int32?>) async -> Result<
        TerminationStatus, any Error
    > {
        var options = PlatformOptions()
        options.processGroupID = 0
        options.teardownSequence = [
            .gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: grace)
        ]
        let path: String? =
            if executable.contains("/") {
                executable.hasPrefix("/") ? executable : directory + "/" + executable
            } else {
                Self.search(executable, in: environment["PATH"] ?? "")
            }
        var target = Executable.path(FilePath(path ?? executable))
        var arguments = self.arguments
        if let path, !isolation.isNone {
            let line = isolation.commandLine([path] + arguments, directory: directory, writable: writable)
            target = .path(FilePath(line[0]))
            arguments = Array(line.dropFirst())
        } else if path == nil {
            // Let Subprocess fail with its own "executable not found" error.
            target = .name(executable)
        }
        let configuration = Configuration(
            executable: target, arguments: Arguments(arguments),
            environment: .custom(environmentKeys),
            workingDirectory: FilePath(directory), platformOptions: options)
        do {
            if let standardInput {
                return .success(
                    try await collect(configuration, input: .string(standardInput), processID))
            }
            return .success(try await collect(configuration, input: .none, processID))
        } catch {
            return .failure(error)
        }
    }

    private func collect<Input: InputProtocol>(
        _ configuration: Configuration, input: Input, _ processID: LockedValue<Int32?>
    ) async throws -> TerminationStatus {
        let stdout = self.stdout
        let stderr = self.stderr
        let result = try await Subprocess.run(
            configuration, input: input, output: .sequence, error: .sequence
        ) { execution in
            processID.value = execution.processIdentifier.value
            try await withThrowingTaskGroup { group in
                group.addTask {
                    for try await buffer in execution.standardOutput {
                        buffer.withUnsafeBytes { stdout.consume($0) }
                    }
                }
                group.addTask {
                    for try await buffer in execution.standardError {
                        buffer.withUnsafeBytes { stderr.consume($0) }
                    }
                }
                try await group.waitForAll()
            }
        }
        return result.terminationStatus
    }

    /// The first executable file named `name` in a `PATH` list. Done here because Subprocess's
    /// own lookup costs ~3 ms per spawn, more than spawning itself.
    static func search(_ name: String, in path: String) -> String? {
        for directory in path.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = directory + "/" + name
            var info = stat()
            if stat(candidate, &info) == 0, info.st_mode & S_IFMT == S_IFREG,
                access(candidate, X_OK) == 0
            {
                return candidate
            }
        }
        return nil
    }

    private var environmentKeys: [Environment.Key: String] {
        var keys: [Environment.Key: String] = [:]
        for (name, value) in environment {
            if let key = Environment.Key(rawValue: name) { keys[key] = value }
        }
        return keys
    }

}
