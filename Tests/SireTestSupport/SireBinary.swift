import Foundation

/// Runs the built `sire-git` executable, as a user would, and captures what it prints.
///
/// `make test` points `SIRE_GIT_BINARY` at the release build, the binary users run; without it
/// the executable beside the test bundle (the debug build) is used.
public enum SireBinary {
    /// What one run printed and how it exited.
    public typealias Result = ChildProcess.Output

    /// The executable under test.
    public static let path: String = {
        if let override = ProcessInfo.processInfo.environment["SIRE_GIT_BINARY"] { return override }
        let tests = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return tests.deletingLastPathComponent().appendingPathComponent("sire-git").path
    }()

    /// The hermetic environment every invocation starts from, plus `extra`.
    public static func environment(_ directory: String, _ extra: [String: String] = [:]) -> [String: String] {
        var env = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": directory, "GIT_CONFIG_NOSYSTEM": "1", "TZ": "UTC",
        ]
        env.merge(extra) { $1 }
        return env
    }

    /// Runs `sire-git ARGS` in `directory` to its end with a hermetic environment plus
    /// `environment`, and `input` on standard input.
    public static func run(
        _ arguments: [String], in directory: String, environment: [String: String] = [:], input: String? = nil
    ) async throws -> Result {
        try await ChildProcess.run(
            path, arguments, in: directory, environment: Self.environment(directory, environment), input: input)
    }

    /// Starts `sire-git ARGS` in `directory` without waiting (for tests that kill or cancel it),
    /// with the caller's environment plus `environment`. With `output`, standard output and
    /// error are appended to that file (to read its logs).
    public static func start(
        _ arguments: [String], in directory: String, environment: [String: String]? = nil, output: String? = nil
    ) async throws -> ChildProcess {
        var env = ProcessInfo.processInfo.environment
        env.merge(environment ?? [:]) { $1 }
        return try await ChildProcess(path, arguments, in: directory, environment: env, output: output)
    }
}
