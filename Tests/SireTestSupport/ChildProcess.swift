import Foundation
import Subprocess
import Synchronization

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// A child process a test started: its exit is awaited without holding a thread, so tests can
/// run in parallel on a small cooperative pool.
///
/// Its output goes to files or `/dev/null`, never to pipes, so a chatty child can never block.
/// Started with swift-subprocess: Foundation's `Process.run()` crashed here when tests started
/// children from several threads at once.
public final class ChildProcess: Sendable {
    /// How a child ended.
    public struct Termination: Sendable, Equatable, CustomStringConvertible {
        /// The exit status, or the signal number when `signalled`.
        public var status: Int32
        /// Whether a signal ended it (`kill -9`, SIGTERM without a handler).
        public var signalled: Bool

        public var description: String { signalled ? "signal \(status)" : "exit \(status)" }

        /// The status as a shell reports it: the exit status, or 128 + the signal.
        public var code: Int32 { signalled ? 128 + status : status }
    }

    /// What a finished command printed and how it exited.
    public struct Output: Sendable, CustomStringConvertible {
        public var status: Int32
        public var stdout: String
        public var stderr: String

        public var description: String { "exit \(status)\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)" }
    }

    /// The child's process id.
    public let pid: Int32
    private let exitState: ExitState
    // The write end of an `.pipe` input, closed when this value goes.
    private let inputPipe: Pipe?

    /// What the child reads on standard input.
    public enum Input {
        /// `/dev/null`.
        case none
        /// A file's content.
        case file(String)
        /// A pipe the caller keeps: its end of file (when the caller goes) tells a peer to exit.
        case pipe(Pipe)
    }

    /// The termination once known, and who waits for it; shared with the task that runs it.
    private final class ExitState: Sendable {
        struct State {
            var termination: Termination?
            var waiters: [CheckedContinuation<Termination, Never>] = []
        }
        let state = Mutex(State())

        func finish(_ ended: Termination) {
            let waiters = state.withLock { state in
                state.termination = ended
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume(returning: ended) }
        }
    }

    /// Starts `executable ARGS` in `directory` with swift-subprocess, and returns once it has
    /// started. Standard output and error are appended to `output` when given (one file for
    /// both unless `error` is given too), else discarded.
    public init(
        _ executable: String, _ arguments: [String], in directory: String? = nil,
        environment: [String: String]? = nil, input: Input = .none, output: String? = nil,
        error: String? = nil
    ) async throws {
        let stdin: FileDescriptor
        switch input {
        case .none: stdin = try FileDescriptor.open("/dev/null", .readOnly)
        case .file(let path): stdin = try FileDescriptor.open(FilePath(path), .readOnly)
        case .pipe(let pipe): stdin = try FileDescriptor(rawValue: pipe.fileHandleForReading.fileDescriptor).duplicate()
        }
        let stdout = try Self.appending(output ?? "/dev/null")
        let stderr = try error.map(Self.appending) ?? stdout.duplicate()
        var keys: [Environment.Key: String] = [:]
        for (name, value) in environment ?? [:] {
            if let key = Environment.Key(rawValue: name) { keys[key] = value }
        }
        let configuration = Configuration(
            executable: .path(FilePath(executable)), arguments: Arguments(arguments),
            environment: environment == nil ? .inherit : .custom(keys),
            workingDirectory: directory.map { FilePath($0) })
        let exitState = ExitState()
        let started = StartSignal()
        Task.detached {
            do {
                let result = try await Subprocess.run(
                    configuration,
                    input: .fileDescriptor(stdin, closeAfterSpawningProcess: true),
                    output: .fileDescriptor(stdout, closeAfterSpawningProcess: true),
                    error: .fileDescriptor(stderr, closeAfterSpawningProcess: true)
                ) { execution in
                    started.resume(.success(execution.processIdentifier.value))
                }
                switch result.terminationStatus {
                case .exited(let code): exitState.finish(Termination(status: code, signalled: false))
                case .signaled(let signal): exitState.finish(Termination(status: signal, signalled: true))
                }
            } catch {
                started.resume(.failure(error))
                exitState.finish(Termination(status: 127, signalled: false))
            }
        }
        self.pid = try await started.value()
        self.exitState = exitState
        if case .pipe(let pipe) = input {
            // The child has its own copy of the read end; ours would keep the pipe open forever.
            try? pipe.fileHandleForReading.close()
            inputPipe = pipe
        } else {
            inputPipe = nil
        }
    }

    deinit {
        try? inputPipe?.fileHandleForWriting.close()
    }

    /// The child's pid once spawned, or why it could not be: resumed once.
    private final class StartSignal: Sendable {
        private let state = Mutex<(result: Result<Int32, any Error>?, waiter: CheckedContinuation<Int32, any Error>?)>(
            (nil, nil))

        func resume(_ result: Result<Int32, any Error>) {
            let waiter = state.withLock { state -> CheckedContinuation<Int32, any Error>? in
                guard state.result == nil else { return nil }
                state.result = result
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(with: result)
        }

        func value() async throws -> Int32 {
            try await withCheckedThrowingContinuation { continuation in
                let known = state.withLock { state -> Result<Int32, any Error>? in
                    if let result = state.result { return result }
                    state.waiter = continuation
                    return nil
                }
                if let known { continuation.resume(with: known) }
            }
        }
    }

    /// Runs `executable ARGS` to its end and returns what it printed.
    public static func run(
        _ executable: String, _ arguments: [String], in directory: String? = nil,
        environment: [String: String]? = nil, input: String? = nil
    ) async throws -> Output {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sire-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("stdout").path
        let err = scratch.appendingPathComponent("stderr").path
        var stdin = Input.none
        if let input {
            let path = scratch.appendingPathComponent("stdin").path
            try Data(input.utf8).write(to: URL(fileURLWithPath: path))
            stdin = .file(path)
        }
        let child = try await ChildProcess(
            executable, arguments, in: directory, environment: environment, input: stdin, output: out, error: err)
        let ended = await child.exit()
        return Output(
            status: ended.code,
            stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }

    /// Waits for the child to end.
    @discardableResult
    public func exit() async -> Termination {
        await withCheckedContinuation { continuation in
            let ended = exitState.state.withLock { state -> Termination? in
                if let ended = state.termination { return ended }
                state.waiters.append(continuation)
                return nil
            }
            if let ended { continuation.resume(returning: ended) }
        }
    }

    /// Waits for the child to end for at most `limit`; past that it is killed and the answer
    /// is nil.
    public func exit(within limit: Duration) async -> Termination? {
        await withTaskGroup(of: Termination?.self) { group in
            group.addTask { await self.exit() }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            // The sleeper ends at once when cancelled; the waiter only at the child's end.
            if first == nil { self.signal(SIGKILL) }
            return first
        }
    }

    /// Asks the child to end with SIGTERM and waits for it for up to `grace`, then kills it.
    /// Returns how it ended (a graceful service exits 0).
    @discardableResult
    public func terminate(grace: Duration = .seconds(20)) async -> Termination {
        signal(SIGTERM)
        if let ended = await exit(within: grace) { return ended }
        return await exit()
    }

    /// How it ended, or nil while it runs.
    public var termination: Termination? { exitState.state.withLock { $0.termination } }

    /// Whether it is still running (not yet reaped).
    public var isRunning: Bool { termination == nil }

    /// Sends `signal` (default SIGKILL) unless it has ended.
    public func signal(_ signal: Int32 = SIGKILL) {
        if isRunning { kill(pid, signal) }
    }

    /// Sends `signal` (default SIGKILL) and waits for the end.
    @discardableResult
    public func stop(_ signal: Int32 = SIGKILL) async -> Termination {
        self.signal(signal)
        return await exit()
    }

    private static func appending(_ path: String) throws -> FileDescriptor {
        try FileDescriptor.open(
            FilePath(path), .writeOnly, options: [.create, .append],
            permissions: [.ownerReadWrite, .groupRead, .otherRead])
    }

    /// The absolute path of `name` on `PATH` (Process needs a path, not a name).
    public static func which(_ name: String) -> String {
        if name.contains("/") { return name }
        // Daemons (sshd, lighttpd) live in sbin, which a user's PATH may not name.
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin") + ":/usr/sbin:/sbin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return "/usr/bin/\(name)"
    }
}
