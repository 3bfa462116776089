import Foundation

/// The Python MCP peer of `fixtures/peers/mcp_peer.py` (the `mcp` package) serving Streamable
/// HTTP on a free port of 127.0.0.1, killed when the value goes.
public final class MCPPeerServer: Sendable {
    /// The peer's script.
    public static let script = TestPython.fixture("peers/mcp_peer.py")

    /// `http://127.0.0.1:PORT/mcp`.
    public let url: String
    private let peer: PeerProcess

    /// Starts the peer answering with JSON (`json: true`) or Server-Sent Events.
    public init(json: Bool) async throws {
        peer = try await PeerProcess(script: "mcp_peer.py", ["http", json ? "--json" : "--sse"])
        url = "http://127.0.0.1:\(peer.port)/mcp"
    }

    /// Kills the peer (also done when the value goes); stopping twice is safe.
    public func stop() async {
        await peer.stop()
    }
}
