import SireCore

/// Where an MCP server lives and how to reach it: the key sessions are shared under.
public enum MCPEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// A child process speaking MCP on stdin and stdout, started in `directory` with the
    /// usual environment (`PATH`, `HOME`, locale…) plus `environment`, under `isolation`.
    case stdio(
        command: [String], environment: [String: String], directory: String, isolation: StepIsolation = .none)
    /// A Streamable-HTTP endpoint; `headers` are sent with every request, already rendered.
    case http(url: String, headers: [String: String])

    public var description: String {
        switch self {
        case .stdio(let command, _, _, _): command.joined(separator: " ")
        case .http(let url, _): url
        }
    }
}
