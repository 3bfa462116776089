import SireCore

/// `sire.yaml` at the repository root: where workflows live and the named MCP servers.
public struct RepoConfig: Sendable, Hashable {
    /// Directories scanned for `*.yaml` / `*.yml`, repository-relative, without trailing `/`.
    public var workflowDirectories: [String]
    /// The tracked branch; nil means the repository's default branch.
    public var branch: String?
    /// A commit that removes every workflow is refused unless true.
    public var allowEmpty: Bool
    public var servers: [String: MCPServerConfig]
    public var verify: VerifyConfig

    public static let fileName = "sire.yaml"

    public init(
        workflowDirectories: [String] = ["workflows"], branch: String? = nil, allowEmpty: Bool = false,
        servers: [String: MCPServerConfig] = [:], verify: VerifyConfig = VerifyConfig()
    ) {
        self.workflowDirectories = workflowDirectories
        self.branch = branch
        self.allowEmpty = allowEmpty
        self.servers = servers
        self.verify = verify
    }

    /// Whether a repository-relative path is a workflow file under the workflow directories.
    /// Hidden files and anything under a hidden directory (`.drafts/`) are not workflows.
    public func isWorkflowPath(_ path: String) -> Bool {
        guard path.hasSuffix(".yaml") || path.hasSuffix(".yml") else { return false }
        if path.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { return false }
        return workflowDirectories.contains { dir in dir.isEmpty || path.hasPrefix(dir + "/") }
    }
}

/// A named MCP server: a stdio child process, or a Streamable-HTTP endpoint.
public enum MCPServerConfig: Sendable, Hashable {
    /// Started in the run's checkout with extra environment.
    case stdio(command: [String], env: [String: String])
    /// Header values are templates (`{{ secrets.X }}`), rendered per call.
    case http(url: String, headers: [String: Template])
}

/// `verify`: which commits may be deployed.
public struct VerifyConfig: Sendable, Hashable {
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        case none, head
    }

    public var mode: Mode
    /// SSH allowed_signers file, repository-relative or absolute.
    public var allowedSigners: String?
    /// GPG keyring file.
    public var keyring: String?

    public init(mode: Mode = .none, allowedSigners: String? = nil, keyring: String? = nil) {
        self.mode = mode
        self.allowedSigners = allowedSigners
        self.keyring = keyring
    }
}
