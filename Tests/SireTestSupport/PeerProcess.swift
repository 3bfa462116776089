import Foundation

/// A Python peer server from `fixtures/peers/` that prints the port it listens on (on
/// 127.0.0.1) and exits when its standard input reaches end of file, so it never outlives the
/// test process. Killed when the value goes.
public final class PeerProcess: Sendable {
    public struct StartFailed: Error, CustomStringConvertible {
        public var description: String
    }

    /// The port it listens on.
    public let port: Int
    /// The running peer.
    public let process: ChildProcess
    // Kept open: its end of file tells the peer this process has gone.
    private let stdin: Pipe
    private let log: String

    /// Starts `python3 fixtures/peers/SCRIPT ARGS` with `environment` added, and waits (without
    /// holding a thread) for its port.
    public init(script: String, _ arguments: [String] = [], environment: [String: String] = [:]) async throws {
        log = FileManager.default.temporaryDirectory.appendingPathComponent("peer-\(UUID().uuidString).log").path
        stdin = Pipe()
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        let out = log + ".port"
        process = try await ChildProcess(
            TestPython.path, [TestPython.fixture("peers/" + script)] + arguments, environment: env,
            input: .pipe(stdin), output: out, error: log)
        let process = process
        let printed = await eventually(within: .seconds(60)) { () -> Int? in
            let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
            if !process.isRunning { return -1 }
            guard text.hasSuffix("\n") else { return nil }
            return Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        }
        try? FileManager.default.removeItem(atPath: out)
        guard let printed, printed > 0 else {
            await process.stop()
            let errors = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(atPath: log)
            throw StartFailed(description: "the peer \(script) did not print a port:\n\(errors)")
        }
        port = printed
    }

    /// What the peer wrote on standard error so far.
    public var errors: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    /// Kills the peer and waits for it (SIGKILL: a child spawned from here may inherit a
    /// mask blocking SIGTERM).
    public func stop() async {
        await process.stop()
    }

    deinit {
        process.signal(SIGKILL)
        try? FileManager.default.removeItem(atPath: log)
    }
}
