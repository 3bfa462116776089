/// The connection to an MCP server failed: the server exited, the network failed, the session
/// expired. Always worth a retry on a fresh session.
struct MCPTransportError: Error, Sendable, CustomStringConvertible {
    var message: String

    init(_ message: String) {
        self.message = message
    }

    var description: String { message }
}
