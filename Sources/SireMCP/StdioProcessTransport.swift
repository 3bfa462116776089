import Foundation
import Logging
import MCP
import SireCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An MCP transport over a child process's stdin and stdout, one JSON-RPC message per line.
///
/// A dedicated thread blocks in `read(2)` on the child's stdout, so a response is handed to
/// the client the moment it arrives (the SDK's `StdioTransport` polls every 10 ms instead).
/// When the child exits the message stream ends with an error, and `onClose` reports it with
/// the tail of the child's stderr so the session can be dropped and its calls failed.
actor StdioProcessTransport: Transport {
    nonisolated let logger: Logger
    private let command: [String]
    private let environment: [String: String]
    private let directory: String
    private let isolation: StepIsolation
    private let onClose: @Sendable (String) -> Void
    private let messages: AsyncThrowingStream<Data, any Error>
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation
    private var process: Process?
    private var stdinDescriptor: Int32 = -1
    private let stderrTail = StderrTail()
    /// How long a child has to exit after its stdin closes before it is sent SIGTERM, then SIGKILL.
    private let grace: Duration

    init(
        command: [String], environment: [String: String], directory: String, isolation: StepIsolation = .none,
        grace: Duration = .seconds(2), logger: Logger, onClose: @escaping @Sendable (String) -> Void
    ) {
        self.command = command
        self.isolation = isolation
        self.environment = environment
        self.directory = directory
        self.grace = grace
        self.logger = logger
        self.onClose = onClose
        (messages, continuation) = AsyncThrowingStream.makeStream()
    }

    /// The child's process id, once started.
    var processIdentifier: Int32? { process?.processIdentifier }

    func connect() async throws {
        guard process == nil, let executable = command.first else {
            throw MCPTransportError("the server has no command")
        }
        // A write to a child that just died must fail with EPIPE, not kill the controller.
        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        if executable.contains("/") {
            process.executableURL = URL(fileURLWithPath: executable, relativeTo: URL(fileURLWithPath: directory))
        } else if let found = Self.search(executable, in: environment["PATH"] ?? "") {
            process.executableURL = URL(fileURLWithPath: found)
        } else {
            throw MCPTransportError("cannot start the server: '\(executable)' is not on PATH")
        }
        process.arguments = Array(command.dropFirst())
        if !isolation.isNone, let path = process.executableURL?.path {
            let line = isolation.commandLine(
                [path] + Array(command.dropFirst()), directory: directory, writable: [directory])
            process.executableURL = URL(fileURLWithPath: line[0])
            process.arguments = Array(line.dropFirst())
        }
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        let continuation = self.continuation
        let tail = stderrTail
        let onClose = self.onClose
        let name = executable
        process.terminationHandler = { process in
            let reason = "the server '\(name)' exited (\(Self.describe(process)))\(tail.suffix)"
            continuation.finish(throwing: MCPTransportError(reason))
            onClose(reason)
        }
        do {
            try process.run()
        } catch {
            throw MCPTransportError("cannot start the server '\(executable)': \(error)")
        }
        self.process = process
        // Own duplicates of the descriptors, so their lifetime is ours and not FileHandle's.
        stdinDescriptor = fcntl(input.fileHandleForWriting.fileDescriptor, F_DUPFD_CLOEXEC, 0)
        let stdoutDescriptor = fcntl(output.fileHandleForReading.fileDescriptor, F_DUPFD_CLOEXEC, 0)
        let stderrDescriptor = fcntl(errors.fileHandleForReading.fileDescriptor, F_DUPFD_CLOEXEC, 0)
        try? input.fileHandleForWriting.close()
        try? input.fileHandleForReading.close()
        try? output.fileHandleForReading.close()
        try? output.fileHandleForWriting.close()
        try? errors.fileHandleForReading.close()
        try? errors.fileHandleForWriting.close()
        let logger = self.logger
        Thread.detachNewThread {
            LineIO.readLines(from: stdoutDescriptor) { line in continuation.yield(line) }
            close(stdoutDescriptor)
            let reason = "the server '\(name)' closed its output\(tail.suffix)"
            continuation.finish(throwing: MCPTransportError(reason))
            onClose(reason)
        }
        Thread.detachNewThread {
            LineIO.readLines(from: stderrDescriptor) { line in
                let text = String(decoding: line, as: UTF8.self)
                tail.append(text)
                logger.debug("\(text)", metadata: ["server": "\(name)"])
            }
            close(stderrDescriptor)
        }
    }

    func disconnect() async {
        continuation.finish()
        if stdinDescriptor >= 0 {
            close(stdinDescriptor)
            stdinDescriptor = -1
        }
        guard let process, process.isRunning else { return }
        // Closing stdin is how an MCP stdio server is asked to stop; then escalate.
        let clock = ContinuousClock()
        let deadline = clock.now + grace
        while process.isRunning, clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            let killDeadline = clock.now + grace
            while process.isRunning, clock.now < killDeadline {
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
    }

    func send(_ data: Data) async throws {
        guard stdinDescriptor >= 0 else { throw MCPTransportError("the server is not running") }
        let failure = LineIO.writeLine(data, to: stdinDescriptor)
        if failure != 0 {
            throw MCPTransportError(
                "cannot write to the server: \(String(cString: strerror(failure)))\(stderrTail.suffix)")
        }
    }

    nonisolated func receive() -> AsyncThrowingStream<Data, any Error> {
        messages
    }

    private static func search(_ name: String, in path: String) -> String? {
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    private static func describe(_ process: Process) -> String {
        switch process.terminationReason {
        case .exit: "exit code \(process.terminationStatus)"
        case .uncaughtSignal: "signal \(process.terminationStatus)"
        @unknown default: "status \(process.terminationStatus)"
        }
    }
}

/// The last lines a server wrote to stderr, kept to explain why it died.
final class StderrTail: Sendable {
    private let lines = Mutex<[String]>([])
    private static let limit = 8

    func append(_ line: String) {
        lines.withLock { lines in
            lines.append(String(line.prefix(500)))
            if lines.count > Self.limit { lines.removeFirst(lines.count - Self.limit) }
        }
    }

    /// `: LAST LINES` for an error message, or nothing.
    var suffix: String {
        let lines = lines.withLock { $0 }
        return lines.isEmpty ? "" : ": " + lines.joined(separator: " | ")
    }
}
