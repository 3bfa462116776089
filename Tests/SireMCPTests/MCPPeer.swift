import Foundation
import SireMCP
import SireTestSupport
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
    static let script = MCPPeerServer.script

    let mode: PeerMode
    let endpoint: MCPEndpoint
    /// Where each stdio server start appends its pid.
    let starts: String
    private let server: MCPPeerServer?

    init(_ mode: PeerMode, environment: [String: String] = [:]) async throws {
        self.mode = mode
        starts = NSTemporaryDirectory() + "mcp-peer-starts-\(UUID().uuidString)"
        guard mode != .stdio else {
            var environment = environment
            environment["PEER_STARTS"] = starts
            endpoint = .stdio(
                command: [TestPython.path, Self.script, "stdio"], environment: environment,
                directory: NSTemporaryDirectory())
            server = nil
            return
        }
        let server = try await MCPPeerServer(json: mode == .httpJSON)
        self.server = server
        endpoint = .http(url: server.url, headers: [:])
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

    func stop() async {
        await server?.stop()
    }

    deinit {
        try? FileManager.default.removeItem(atPath: starts)
    }
}
