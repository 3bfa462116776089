import Foundation
import SireCore
import SireMCP

/// Issue 6, part 3: sire-git's own tools over MCP, driven by sire-git's MCP client — over stdio
/// (`sire-git mcp`, the release binary beside this one) and over Streamable HTTP (`/mcp` on a
/// controller in this process): a read (`get_run` of a finished run) and `run_workflow` of a
/// one-step workflow waiting for its end, p50/p99 per call on one warm session.
enum MCPServeBench {
    static let calls = 500

    static func run() async {
        let repository = NoopRepository("mcpserve")
        defer { repository.remove() }
        let dir = repository.path
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("sire-git").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            print("mcpserve: \(binary) is missing: build all products (swift build -c release)")
            return
        }
        print("sire-git's tools over MCP (\(calls) calls each on one warm session, client: SireMCP):")
        let stdio = MCPEndpoint.stdio(
            command: [binary, "mcp", "--repo", dir, "--state", dir + "/state-stdio", "--log-level", "error"],
            environment: ProcessInfo.processInfo.environment, directory: dir)
        await measure("stdio (sire-git mcp)", endpoint: stdio)

        let api = await BenchAPI.start(repository: dir, state: dir + "/state-http")
        await measure(
            "Streamable HTTP (/mcp on the controller)",
            endpoint: .http(url: "http://127.0.0.1:\(api.port)/mcp", headers: [:]))
        await api.stop()
    }

    private static func measure(_ label: String, endpoint: MCPEndpoint) async {
        let invoker = MCPToolInvoker { _, _ throws(ToolError) in endpoint }
        defer { Task { await invoker.shutdown() } }
        func call(_ tool: String, _ params: [String: Value]) async -> Value? {
            do {
                return try await invoker.call(
                    ToolCall(
                        tool: .mcpServer(name: "sire", tool: tool), params: .object(params), runID: "bench",
                        stepID: tool, attempt: 1, checkout: NSTemporaryDirectory(), timeout: .seconds(30)))
            } catch {
                print("  \(tool) failed: \(error)")
                return nil
            }
        }
        let clock = ContinuousClock()
        var start = clock.now
        guard
            case .object(let first)? = await call(
                "run_workflow", ["workflow": .string("noop"), "wait_seconds": .int(10)]),
            case .string(let runID)? = first["id"]
        else { return }
        let cold = clock.now - start
        var runs: [Double] = []
        var reads: [Double] = []
        var succeeded = 0
        // Reads first, on their own: after each run the server writes the ledger (a git notes
        // commit), which would otherwise land in the middle of the next read.
        try? await Task.sleep(for: .milliseconds(200))
        for _ in 0..<calls {
            start = clock.now
            _ = await call("get_run", ["run": .string(runID)])
            reads.append(milliseconds(clock.now - start))
        }
        for _ in 0..<calls {
            start = clock.now
            if case .object(let run)? = await call(
                "run_workflow", ["workflow": .string("noop"), "wait_seconds": .int(10)]),
                run["status"] == .string("succeeded")
            {
                succeeded += 1
            }
            runs.append(milliseconds(clock.now - start))
        }
        runs.sort()
        reads.sort()
        let sessions = await invoker.sessionStarts
        print("  \(label): first call (start + initialize + a run) \(String(format: "%.1f", milliseconds(cold))) ms")
        print(
            String(
                format: "    get_run (finished run):             p50 %.3f ms, p99 %.3f ms", percentile(reads, 0.5),
                percentile(reads, 0.99)))
        print(
            String(
                format: "    run_workflow, waiting for the end:  p50 %.3f ms, p99 %.3f ms (%d/%d succeeded)",
                percentile(runs, 0.5), percentile(runs, 0.99), succeeded, calls))
        print("    sessions started: \(sessions)")
    }
}
