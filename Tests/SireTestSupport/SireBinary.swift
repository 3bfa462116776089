import Foundation

/// Runs the built `sire-git` executable, as a user would, and captures what it prints.
public enum SireBinary {
    /// What one run printed and how it exited.
    public struct Result: Sendable, CustomStringConvertible {
        public var status: Int32
        public var stdout: String
        public var stderr: String

        public var description: String { "exit \(status)\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)" }
    }

    /// The executable beside the test bundle (both are in the build products directory).
    public static let path: String = {
        if let override = ProcessInfo.processInfo.environment["SIRE_GIT_BINARY"] { return override }
        let tests = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return tests.deletingLastPathComponent().appendingPathComponent("sire-git").path
    }()

    /// Runs `sire-git ARGS` in `directory` with a hermetic environment plus `environment`.
    public static func run(
        _ arguments: [String], in directory: String, environment: [String: String] = [:]
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": directory, "GIT_CONFIG_NOSYSTEM": "1", "TZ": "UTC",
        ]
        env.merge(environment) { $1 }
        process.environment = env
        let sandbox = FileManager.default.temporaryDirectory.appendingPathComponent("sire-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: sandbox, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: sandbox) }
        // Files, not pipes: a large output can never block the child.
        let out = sandbox.appendingPathComponent("stdout"), err = sandbox.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }
}
