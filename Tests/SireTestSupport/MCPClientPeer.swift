import Foundation

/// The independent MCP client of `fixtures/peers/mcp_client.py` (the Python `mcp` package):
/// it connects to a server, performs a JSON list of operations and prints their results.
public enum MCPClientPeer {
    public static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/peers/mcp_client.py").path

    /// Why the client failed: its exit status and what it printed.
    public struct Failed: Error, CustomStringConvertible {
        public var status: Int32
        public var output: String
        public var description: String { "mcp_client.py exited \(status):\n\(output)" }
    }

    /// Runs the client with `arguments` (`stdio -- COMMAND...` or `http URL [--token T]`) on
    /// `operations` (JSON text) and returns one result object per operation.
    public static func run(
        _ arguments: [String], operations: String, in directory: String
    ) throws -> [[String: Any]] {
        let client = try Client(arguments, operations: operations, in: directory)
        try client.process.run()
        client.process.waitUntilExit()
        return try client.results()
    }

    /// The same, awaiting the client's exit without holding a thread (for a server in this
    /// process).
    public static func run(
        _ arguments: [String], operations: String, in directory: String
    ) async throws -> [[String: Any]] {
        let client = try Client(arguments, operations: operations, in: directory)
        let exited = AsyncStream<Void>.makeStream()
        client.process.terminationHandler = { _ in exited.continuation.finish() }
        try client.process.run()
        for await _ in exited.stream {}
        return try client.results()
    }

    /// One client process, its input and output in files (pipes could block it).
    private final class Client {
        let process = Process()
        let sandbox: URL
        let out: URL
        let err: URL

        init(_ arguments: [String], operations: String, in directory: String) throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", MCPClientPeer.script] + arguments
            process.currentDirectoryURL = URL(fileURLWithPath: directory)
            var env = ProcessInfo.processInfo.environment
            env["TZ"] = "UTC"
            env["GIT_CONFIG_NOSYSTEM"] = "1"
            process.environment = env
            sandbox = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-client-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: sandbox, withIntermediateDirectories: true)
            let input = sandbox.appendingPathComponent("in")
            out = sandbox.appendingPathComponent("out")
            err = sandbox.appendingPathComponent("err")
            try Data(operations.utf8).write(to: input)
            _ = FileManager.default.createFile(atPath: out.path, contents: nil)
            _ = FileManager.default.createFile(atPath: err.path, contents: nil)
            process.standardInput = try FileHandle(forReadingFrom: input)
            process.standardOutput = try FileHandle(forWritingTo: out)
            process.standardError = try FileHandle(forWritingTo: err)
        }

        deinit {
            try? FileManager.default.removeItem(at: sandbox)
        }

        func results() throws -> [[String: Any]] {
            let stdout = (try? Data(contentsOf: out)) ?? Data()
            let stderr = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
            guard process.terminationStatus == 0,
                let results = try? JSONSerialization.jsonObject(with: stdout) as? [[String: Any]]
            else {
                throw Failed(
                    status: process.terminationStatus, output: String(decoding: stdout, as: UTF8.self) + "\n" + stderr)
            }
            return results
        }
    }
}
