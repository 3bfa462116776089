import Foundation
import Synchronization

/// The Python MCP peer of `fixtures/peers/mcp_peer.py` (the `mcp` package) serving Streamable
/// HTTP on a free port of 127.0.0.1, killed when the value goes.
public final class MCPPeerServer: Sendable {
    /// The peer's script.
    public static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/peers/mcp_peer.py").path

    public struct StartFailed: Error, CustomStringConvertible {
        public var description: String
    }

    /// `http://127.0.0.1:PORT/mcp`.
    public let url: String
    /// The peer's pid until it is stopped (so a later stop cannot hit a reused pid).
    private let pid: Mutex<Int32?>
    // Kept open: its end of file tells the peer this process has gone.
    private let stdin: Pipe

    /// Starts the peer answering with JSON (`json: true`) or Server-Sent Events.
    public init(json: Bool) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script, "http", json ? "--json" : "--sse"]
        let output = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardInput = input
        try process.run()
        var text = ""
        while !text.contains("\n") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            kill(process.processIdentifier, SIGKILL)
            throw StartFailed(description: "the MCP peer did not print a port: '\(text)'")
        }
        pid = Mutex(process.processIdentifier)
        stdin = input
        url = "http://127.0.0.1:\(port)/mcp"
    }

    /// Kills the peer (also done when the value goes).
    public func stop() {
        guard
            let pid = pid.withLock({ pid in
                defer { pid = nil }; return pid
            })
        else { return }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    deinit {
        stop()
    }
}
