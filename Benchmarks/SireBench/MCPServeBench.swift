import Foundation
import Logging
import ServiceLifecycle
import SireController
import SireCore
import SireHTTP
import SireMCP

/// Issue 6, part 3: sire-git's own tools over MCP, driven by sire-git's MCP client — over stdio
/// (`sire-git mcp`, the release binary beside this one) and over Streamable HTTP (`/mcp` on a
/// controller in this process): a read (`get_run` of a finished run) and `run_workflow` of a
/// one-step workflow waiting for its end, p50/p99 per call on one warm session.
enum MCPServeBench {
    static let calls = 500

    static func run() async {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sire-bench-mcpserve-\(UUID())").path
        try! FileManager.default.createDirectory(atPath: dir + "/workflows", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try! Data(
            """
            id: noop
            on: { http: {} }
            steps:
              - id: nothing
                tool: sire:local/log.write
                params: { message: "ok" }
            """.utf8
        ).write(to: URL(fileURLWithPath: dir + "/workflows/noop.yaml"))
        sh("git init -q --initial-branch=main . && git add -A && git commit -qm noop", in: dir)
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

        var logger = Logger(label: "sire.bench")
        logger.logLevel = .error
        MetricsSetup.bootstrap()
        let controller = try! Controller(
            options: ControllerOptions(location: dir, state: dir + "/state-http"), logger: logger)
        var configuration = HTTPConfiguration()
        configuration.port = 0
        let bound = AsyncStream<Int>.makeStream()
        configuration.onListening = { port in
            bound.continuation.yield(port)
            bound.continuation.finish()
        }
        let app = buildApplication(controller: controller, configuration: configuration, logger: logger)
        let group = ServiceGroup(services: [controller, app], logger: logger)
        let running = Task { try await group.run() }
        var ports = bound.stream.makeAsyncIterator()
        let port = await ports.next()!
        while controller.liveWorkflow("noop") == nil { try? await Task.sleep(for: .milliseconds(10)) }
        await measure(
            "Streamable HTTP (/mcp on the controller)",
            endpoint: .http(url: URL(string: "http://127.0.0.1:\(port)/mcp")!, headers: [:]))
        await group.triggerGracefulShutdown()
        _ = try? await running.value
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
        guard case .object(let first)? = await call("run_workflow", ["workflow": .string("noop"), "wait_seconds": .int(10)]),
            case .string(let runID)? = first["id"]
        else { return }
        let cold = clock.now - start
        var runs: [Double] = []
        var reads: [Double] = []
        var succeeded = 0
        for _ in 0..<calls {
            start = clock.now
            if case .object(let run)? = await call("run_workflow", ["workflow": .string("noop"), "wait_seconds": .int(10)]),
                run["status"] == .string("succeeded")
            {
                succeeded += 1
            }
            runs.append(milliseconds(clock.now - start))
            start = clock.now
            _ = await call("get_run", ["run": .string(runID)])
            reads.append(milliseconds(clock.now - start))
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
