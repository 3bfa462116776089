import Foundation
import SireCore
import SireMCP
import SireTestSupport
import Testing

@Suite("MCP tool calls against the Python peer", .serialized)
struct MCPInvokerTests {
    @Test(arguments: PeerMode.allCases)
    func outputsFollowTheSpecAndTheSessionIsReused(_ mode: PeerMode) async throws {
        let peer = try await MCPPeer(mode)
        let mcp = invoker(for: peer)
        defer { Task { await mcp.shutdown() } }

        let sum = try await mcp.call(peerCall("add", .object(["a": .int(2), "b": .int(40)])))
        #expect(sum == .object(["sum": .int(42)]))
        let echoed = try await mcp.call(peerCall("echo", .object(["text": .string("not json")])))
        #expect(echoed == .object(["text": .string("not json")]))
        let parsed = try await mcp.call(peerCall("json_text", .object(["value": .string("v")])))
        #expect(parsed == .object(["value": .string("v")]))

        let first = try await mcp.call(peerCall("stats"))
        for _ in 0..<5 { _ = try await mcp.call(peerCall("add", .object(["a": .int(1), "b": .int(1)]))) }
        let last = try await mcp.call(peerCall("stats"))
        #expect(await mcp.sessionStarts == 1)
        #expect(first.field("pid") == last.field("pid"))
        #expect(last.field("initializations") == .int(1))
        if mode == .stdio { #expect(peer.startCount == 1) }
    }

    @Test(arguments: PeerMode.allCases)
    func anIsErrorResultFailsWithTheServersText(_ mode: PeerMode) async throws {
        let peer = try await MCPPeer(mode)
        let mcp = invoker(for: peer)
        defer { Task { await mcp.shutdown() } }
        let error = try #require(
            await failure { () async throws(ToolError) in
                try await mcp.call(peerCall("fail", .object(["message": .string("the disk is full")])))
            })
        #expect(error.message.contains("the disk is full"))
        #expect(!error.transient)
        // The session survives a failed tool.
        _ = try await mcp.call(peerCall("stats"))
        #expect(await mcp.sessionStarts == 1)
    }

    @Test(arguments: PeerMode.allCases)
    func aHungToolTimesOutAndIsCancelledOnTheServer(_ mode: PeerMode) async throws {
        let peer = try await MCPPeer(mode)
        let mcp = invoker(for: peer)
        defer { Task { await mcp.shutdown() } }
        _ = try await mcp.call(peerCall("stats"))
        let clock = ContinuousClock()
        let start = clock.now
        let error = try #require(
            await failure { () async throws(ToolError) in
                try await mcp.call(peerCall("sleep", .object(["seconds": .int(30)]), timeout: .milliseconds(300)))
            })
        #expect(clock.now - start < .seconds(5))
        #expect(error.transient)
        #expect(error.message.contains("timed out after"), "\(error)")
        // notifications/cancelled reached the server, and the session still works.
        var cancelled = Value.int(0)
        for _ in 0..<50 where cancelled == .int(0) {
            cancelled = try await mcp.call(peerCall("stats")).field("cancelled") ?? .null
            if cancelled == .int(0) { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(cancelled == .int(1))
        #expect(await mcp.sessionStarts == 1)
    }

    @Test func cancellingTheCallingTaskCancelsTheToolOnTheServer() async throws {
        let peer = try await MCPPeer(.stdio)
        let mcp = invoker(for: peer)
        defer { Task { await mcp.shutdown() } }
        _ = try await mcp.call(peerCall("stats"))
        let task = Task { () async -> ToolError? in
            await failure { () async throws(ToolError) in
                try await mcp.call(peerCall("sleep", .object(["seconds": .int(30)])))
            }
        }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        let error = try #require(await task.value)
        #expect(error.message.contains("cancelled"), "\(error)")
        var cancelled = Value.int(0)
        for _ in 0..<50 where cancelled == .int(0) {
            cancelled = try await mcp.call(peerCall("stats")).field("cancelled") ?? .null
            if cancelled == .int(0) { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(cancelled == .int(1))
    }

    @Test func aCrashedStdioServerFailsTheCallTransientlyAndIsRestarted() async throws {
        let peer = try await MCPPeer(.stdio)
        let mcp = invoker(for: peer)
        defer { Task { await mcp.shutdown() } }
        let marker = NSTemporaryDirectory() + "mcp-crash-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: marker) }
        let before = try await mcp.call(peerCall("stats"))
        let error = try #require(
            await failure { () async throws(ToolError) in
                try await mcp.call(peerCall("crash_once", .object(["marker": .string(marker)])))
            })
        #expect(error.transient)
        #expect(error.message.contains("exited") || error.message.contains("closed its output"), "\(error)")
        let retried = try await mcp.call(peerCall("crash_once", .object(["marker": .string(marker)]), attempt: 2))
        #expect(retried.field("survived") == .bool(true))
        #expect(retried.field("pid") != before.field("pid"))
        #expect(await mcp.sessionStarts == 2)
        #expect(peer.startCount == 2)
    }

    @Test func aStdioServerStartsInItsDirectoryWithItsEnvironmentAndStopsOnShutdown() async throws {
        let directory = NSTemporaryDirectory() + "mcp-cwd-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let mcp = MCPToolInvoker { _, _ throws(ToolError) in
            .stdio(
                command: [TestPython.path, MCPPeer.script, "stdio"], environment: ["PEER_ENV": "from sire.yaml"],
                directory: directory)
        }
        let stats = try await mcp.call(peerCall("stats"))
        #expect(stats.field("env") == .string("from sire.yaml"))
        let cwd = try #require(stats.field("cwd").flatMap { if case .string(let s) = $0 { s } else { nil } })
        #expect(
            URL(fileURLWithPath: cwd).resolvingSymlinksInPath()
                == URL(fileURLWithPath: directory).resolvingSymlinksInPath())
        guard case .int(let pid) = stats.field("pid") else {
            Issue.record("no pid in \(stats)")
            return
        }
        #expect(isRunning(Int32(pid)))
        await mcp.shutdown()
        #expect(await eventually(within: .seconds(5)) { !isRunning(Int32(pid)) })
    }

    @Test func aServerThatNeverAnswersInitializeFailsWithinTheStepTimeAndIsStopped() async throws {
        let pidFile = NSTemporaryDirectory() + "mcp-silent-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        let mcp = MCPToolInvoker { _, _ throws(ToolError) in
            .stdio(command: ["sh", "-c", "echo $$ > \(pidFile); exec sleep 60"], environment: [:], directory: "/")
        }
        let clock = ContinuousClock()
        let start = clock.now
        let error = try #require(
            await failure { () async throws(ToolError) in
                try await mcp.call(peerCall("add", timeout: .milliseconds(500)))
            })
        #expect(clock.now - start < .seconds(3))
        #expect(error.transient && error.message.contains("timed out"), "\(error)")
        let pid = try #require(
            Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        await mcp.shutdown()
        #expect(await eventually(within: .seconds(10)) { !isRunning(pid) })
    }

    @Test func aMissingServerCommandIsAnError() async throws {
        let mcp = MCPToolInvoker { _, _ throws(ToolError) in
            .stdio(command: ["no-such-mcp-server-xyz"], environment: [:], directory: NSTemporaryDirectory())
        }
        let error = try #require(await failure { () async throws(ToolError) in try await mcp.call(peerCall("add")) })
        #expect(error.message.contains("no-such-mcp-server-xyz"), "\(error)")
    }

    @Test func anUnreachableHTTPServerIsATransientError() async throws {
        let port = try freePort()
        let mcp = MCPToolInvoker()
        let call = ToolCall(
            tool: .mcpURL(url: "http://127.0.0.1:\(port)/mcp", tool: "add"), params: .object([:]), runID: "r",
            stepID: "s", attempt: 1, checkout: "/nonexistent")
        let error = try #require(await failure { () async throws(ToolError) in try await mcp.call(call) })
        #expect(error.transient, "\(error)")
    }

    @Test func mcpURLToolsReachAStreamableHTTPServerWithoutConfiguration() async throws {
        let peer = try await MCPPeer(.httpSSE)
        let mcp = MCPToolInvoker()
        defer { Task { await mcp.shutdown() } }
        let call = ToolCall(
            tool: .mcpURL(url: peer.url, tool: "add"), params: .object(["a": .int(1), "b": .int(2)]), runID: "r",
            stepID: "s", attempt: 1, checkout: "/nonexistent")
        #expect(try await mcp.call(call) == .object(["sum": .int(3)]))
    }
}

extension Value {
    /// The field `name` of an object.
    func field(_ name: String) -> Value? {
        if case .object(let fields) = self { return fields[name] }
        return nil
    }
}

/// A TCP port nothing listens on (bound, then released).
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}
