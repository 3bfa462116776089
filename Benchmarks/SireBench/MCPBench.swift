import Foundation
import SireCore
import SireMCP

/// Issue 6: the overhead of an MCP step on a warm stdio session, above the server's own time
/// (target ≤ 1 ms), and proof that the session is reused.
///
/// The server's own time is what a minimal client sees: the same Python server driven by
/// blocking line reads and writes on its pipes, no SDK, no tasks. The difference to a call
/// through `MCPToolInvoker` is what sire-git's client stack adds.
enum MCPBench {
    static let peer = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/peers/mcp_peer.py").path

    static func run() async {
        let calls = 2000
        let raw = rawRoundTrips(calls)
        let starts = NSTemporaryDirectory() + "mcp-bench-starts-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: starts) }
        let endpoint = MCPEndpoint.stdio(
            command: ["python3", peer, "stdio"], environment: ["PEER_STARTS": starts],
            directory: NSTemporaryDirectory())
        let invoker = MCPToolInvoker { _, _ throws(ToolError) in endpoint }
        let clock = ContinuousClock()
        var cold = Duration.zero
        var warm: [Double] = []
        for i in 0...calls {
            let call = ToolCall(
                tool: .mcpServer(name: "bench", tool: "add"), params: .object(["a": .int(i), "b": .int(1)]),
                runID: "bench", stepID: "add", attempt: 1, checkout: NSTemporaryDirectory())
            let start = clock.now
            do {
                _ = try await invoker.call(call)
            } catch {
                print("mcp: call failed: \(error)")
                return
            }
            if i == 0 { cold = clock.now - start } else { warm.append(milliseconds(clock.now - start)) }
        }
        let sessionStarts = await invoker.sessionStarts
        await invoker.shutdown()
        let serverStarts = ((try? String(contentsOfFile: starts, encoding: .utf8)) ?? "").split(separator: "\n").count
        warm.sort()
        let p50 = percentile(warm, 0.5), p99 = percentile(warm, 0.99)
        let rawP50 = percentile(raw, 0.5), rawP99 = percentile(raw, 0.99)
        print("mcp (stdio, python `mcp` 2.x peer, tools/call add, \(calls) calls on one session):")
        print(String(format: "  first call (start + initialize): %.1f ms", milliseconds(cold)))
        print(String(format: "  server's own time (minimal blocking client): p50 %.3f ms, p99 %.3f ms", rawP50, rawP99))
        print(String(format: "  MCPToolInvoker warm call:                   p50 %.3f ms, p99 %.3f ms", p50, p99))
        print(String(format: "  overhead above the server: p50 %.3f ms (target ≤ 1 ms)", p50 - rawP50))
        print("  sessions started: \(sessionStarts), server processes started: \(serverStarts) (reused: \(sessionStarts == 1 && serverStarts == 1))")
    }

    /// Round-trip times of `tools/call add` written and read directly on the server's pipes.
    private static func rawRoundTrips(_ count: Int) -> [Double] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", peer, "stdio"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try! process.run()
        var pending = Data()
        func send(_ text: String) { input.fileHandleForWriting.write(Data((text + "\n").utf8)) }
        func receive() -> Data {
            while true {
                if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = pending[pending.startIndex..<newline]
                    pending = Data(pending[(newline + 1)...])
                    return Data(line)
                }
                let chunk = output.fileHandleForReading.availableData
                precondition(!chunk.isEmpty, "the server closed its output")
                pending.append(chunk)
            }
        }
        send(
            #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#
        )
        _ = receive()
        send(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
        let clock = ContinuousClock()
        var times: [Double] = []
        for i in 1...(count + 1) {
            let start = clock.now
            send(#"{"jsonrpc":"2.0","id":\#(i),"method":"tools/call","params":{"name":"add","arguments":{"a":\#(i),"b":1}}}"#)
            _ = receive()
            if i > 1 { times.append(milliseconds(clock.now - start)) }
        }
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        return times.sorted()
    }
}
