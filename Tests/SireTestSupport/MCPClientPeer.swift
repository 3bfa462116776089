import Foundation

/// The independent MCP client of `fixtures/peers/mcp_client.py` (the Python `mcp` package):
/// it connects to a server, performs a JSON list of operations and prints their results.
public enum MCPClientPeer {
    public static let script = TestPython.fixture("peers/mcp_client.py")

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
    ) async throws -> [[String: Any]] {
        var env = ProcessInfo.processInfo.environment
        env["TZ"] = "UTC"
        env["GIT_CONFIG_NOSYSTEM"] = "1"
        let result = try await ChildProcess.run(
            TestPython.path, [script] + arguments, in: directory, environment: env, input: operations)
        guard result.status == 0,
            let results = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]
        else {
            throw Failed(status: result.status, output: result.stdout + "\n" + result.stderr)
        }
        return results
    }
}
