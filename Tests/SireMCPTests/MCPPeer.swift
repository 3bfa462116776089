import Foundation
import SireMCP
import Testing

/// How the Python peer in `fixtures/peers/mcp_peer.py` serves.
enum PeerMode: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case stdio
    case httpJSON = "http --json"
    case httpSSE = "http --sse"

    var testDescription: String { rawValue }
}

/// The Python MCP peer: over HTTP a process started here on a free port; over stdio only a
/// command line, since the client under test starts it.
final class MCPPeer: Sendable {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/peers/mcp_peer.py").path

    struct StartFailed: Error, CustomStringConvertible {
        var description: String
    }

    let mode: PeerMode
    let endpoint: MCPEndpoint
    /// Where each stdio server start appends its pid.
    let starts: String
    private let pid: Int32?
    // Kept open: its end of file tells an HTTP peer this process has gone.
    private let stdin: Pipe?

    init(_ mode: PeerMode, environment: [String: String] = [:]) throws {
        self.mode = mode
        starts = NSTemporaryDirectory() + "mcp-peer-starts-\(UUID().uuidString)"
        guard mode != .stdio else {
            var environment = environment
            environment["PEER_STARTS"] = starts
            endpoint = .stdio(
                command: ["python3", Self.script, "stdio"], environment: environment,
                directory: NSTemporaryDirectory())
            pid = nil
            stdin = nil
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script] + mode.rawValue.split(separator: " ").map(String.init)
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
        pid = process.processIdentifier
        stdin = input
        endpoint = .http(url: "http://127.0.0.1:\(port)/mcp", headers: [:])
    }

    /// The URL of an HTTP peer.
    var url: String {
        if case .http(let url, _) = endpoint { return url }
        return ""
    }

    /// How many times a stdio server was started.
    var startCount: Int {
        ((try? String(contentsOfFile: starts, encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    func stop() {
        guard let pid else { return }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: starts)
    }
}
