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
        let starts = NSTemporaryDirectory() + "mcp-bench-starts-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: starts) }
        let endpoint = MCPEndpoint.stdio(
            command: ["python3", peer, "stdio"], environment: ["PEER_STARTS": starts],
            directory: NSTemporaryDirectory())
        let invoker = MCPToolInvoker { _, _ throws(ToolError) in endpoint }
        let raw = RawClient(script: peer)
        let clock = ContinuousClock()
        var cold = Duration.zero
        var warm: [Double] = []
        var baseline: [Double] = []
        // Alternating the two clients makes any load from elsewhere on the machine hit both alike.
        for i in 0...calls {
            let call = ToolCall(
                tool: .mcpServer(name: "bench", tool: "add"), params: .object(["a": .int(i), "b": .int(1)]),
                runID: "bench", stepID: "add", attempt: 1, checkout: NSTemporaryDirectory())
            var start = clock.now
            do {
                _ = try await invoker.call(call)
            } catch {
                print("mcp: call failed: \(error)")
                return
            }
            if i == 0 { cold = clock.now - start } else { warm.append(milliseconds(clock.now - start)) }
            start = clock.now
            raw.add(i)
            if i > 0 { baseline.append(milliseconds(clock.now - start)) }
        }
        raw.close()
        let sessionStarts = await invoker.sessionStarts
        await invoker.shutdown()
        let serverStarts = ((try? String(contentsOfFile: starts, encoding: .utf8)) ?? "").split(separator: "\n").count
        warm.sort()
        baseline.sort()
        let p50 = percentile(warm, 0.5), p99 = percentile(warm, 0.99)
        let rawP50 = percentile(baseline, 0.5), rawP99 = percentile(baseline, 0.99)
        print("mcp (stdio, python `mcp` 2.x peer, tools/call add, \(calls) calls on one session):")
        print(String(format: "  first call (start + initialize): %.1f ms", milliseconds(cold)))
        print(String(format: "  server's own time (minimal blocking client): p50 %.3f ms, p99 %.3f ms", rawP50, rawP99))
        print(String(format: "  MCPToolInvoker warm call:                   p50 %.3f ms, p99 %.3f ms", p50, p99))
        print(
            String(
                format: "  overhead above the server: p50 %.3f ms, p99 %.3f ms (target ≤ 1 ms)", p50 - rawP50,
                p99 - rawP99))
        print(
            "  sessions started: \(sessionStarts), server processes started: \(serverStarts) (reused: \(sessionStarts == 1 && serverStarts == 1))"
        )
    }

    /// The same server driven by blocking line writes and reads on its pipes: no SDK, no tasks.
    private final class RawClient {
        private let process = Process()
        private let input = Pipe(), output = Pipe()
        private var pending = Data()

        init(script: String) {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", script, "stdio"]
            process.standardInput = input
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try! process.run()
            send(
                #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#
            )
            _ = receive()
            send(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
        }

        func add(_ i: Int) {
            send(
                #"{"jsonrpc":"2.0","id":\#(i + 1),"method":"tools/call","params":{"name":"add","arguments":{"a":\#(i),"b":1}}}"#
            )
            _ = receive()
        }

        func close() {
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
        }

        private func send(_ text: String) { input.fileHandleForWriting.write(Data((text + "\n").utf8)) }

        private func receive() -> Data {
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
    }
}
