import SireCore

/// Checks steps that call MCP tools against what their servers list (`validate --online`):
/// the tool exists, and literal params satisfy its `inputSchema`.
///
/// Networking is the caller's: ``servers(in:config:)`` says which servers to ask, the caller
/// asks each once for `tools/list`, and ``check(_:config:listings:)`` turns the answers into
/// diagnostics at the exact positions of the tool values and params.
public enum MCPToolChecker {
    /// A server a step's tool lives on.
    public enum Server: Sendable, Hashable, CustomStringConvertible {
        /// `mcp:URL#TOOL`.
        case url(String)
        /// `mcp://NAME/TOOL`, declared in `sire.yaml`.
        case named(String)

        public var description: String {
            switch self {
            case .url(let url): url
            case .named(let name): "mcp://\(name)"
            }
        }
    }

    /// What a server answered to `tools/list`.
    public enum Listing: Sendable, Hashable {
        /// Tool name → its `inputSchema`.
        case tools([String: Value])
        /// Why it could not be reached or listed.
        case unreachable(String)
    }

    /// One step's MCP tool as written: the server, the tool name, and the YAML nodes to report at.
    struct Site {
        var server: Server
        var tool: String
        var toolNode: YAMLNode
        /// Where the tool name starts inside the tool value.
        var toolOffset: Int
        var params: YAMLNode?
    }

    /// Every server the files' MCP steps call (named servers only when `sire.yaml` declares them).
    public static func servers(in files: [WorkflowFile], config: RepoConfig) -> Set<Server> {
        var out: Set<Server> = []
        for file in files {
            for site in sites(in: file, config: config) { out.insert(site.server) }
        }
        return out
    }

    /// Diagnostics for one file's MCP steps; a server missing from `listings` is not checked.
    public static func check(_ file: WorkflowFile, config: RepoConfig, listings: [Server: Listing]) -> [Diagnostic] {
        guard let text = String(validating: file.bytes, as: UTF8.self) else { return [] }
        let source = YAMLSource(text)
        var out: [Diagnostic] = []
        var warned: Set<Server> = []
        for site in sites(in: file, config: config) {
            let toolPosition = site.toolNode.position(ofValueOffset: site.toolOffset, in: source)
            switch listings[site.server] {
            case nil:
                continue
            case .unreachable(let why):
                // Once per server and file: every later step would only repeat it.
                guard warned.insert(site.server).inserted else { continue }
                out.append(
                    Diagnostic(
                        rule: Rule.mcpServerUnreachable, severity: .warning, path: file.path, position: toolPosition,
                        message: "cannot check '\(site.tool)': MCP server \(site.server) is unreachable: \(why)"))
            case .tools(let tools):
                guard let schema = tools[site.tool] else {
                    let known = tools.keys.sorted()
                    let offered = known.isEmpty ? "it lists no tools" : "it lists \(known.joined(separator: ", "))"
                    out.append(
                        Diagnostic(
                            rule: Rule.unknownMCPTool, path: file.path, position: toolPosition,
                            message: "MCP server \(site.server) has no tool '\(site.tool)' (\(offered))"
                                + Suggestion.hint(for: site.tool, in: known)))
                    continue
                }
                var checker = SchemaMatcher(path: file.path, source: source, tool: site.tool)
                // An empty `params:` is null, which the call sends as no arguments.
                if let params = site.params, params.value != .null {
                    checker.match(params, schema: schema, at: "params")
                } else {
                    checker.matchMissing(schema: schema, at: site.toolNode)
                }
                out += checker.diagnostics
            }
        }
        return out
    }

    /// Adds the online diagnostics to a report, by file path.
    public static func apply(
        to report: inout ValidationReport, files: [WorkflowFile], listings: [Server: Listing]
    ) {
        let byPath = Dictionary(files.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        for i in report.files.indices {
            guard let file = byPath[report.files[i].path] else { continue }
            report.files[i].diagnostics += check(file, config: report.config, listings: listings)
            report.files[i].diagnostics.sort(by: Diagnostic.ordered)
            if !report.files[i].isValid { report.files[i].workflow = nil }
        }
    }

    /// The MCP steps of a file, read from its YAML (the decoded workflow keeps no positions).
    /// Malformed steps are skipped: offline validation reports them.
    static func sites(in file: WorkflowFile, config: RepoConfig) -> [Site] {
        guard let text = String(validating: file.bytes, as: UTF8.self) else { return [] }
        guard let root = YAMLComposer.compose(text).root, let steps = root["steps"]?.sequence else { return [] }
        var out: [Site] = []
        for step in steps {
            guard let toolNode = step["tool"], let uri = toolNode.scalar,
                let tool = try? ToolReference.parse(uri)
            else { continue }
            switch tool {
            case .mcpURL(let url, let name):
                let offset = uri.unicodeScalars.count - name.unicodeScalars.count
                out.append(
                    Site(server: .url(url), tool: name, toolNode: toolNode, toolOffset: offset, params: step["params"]))
            case .mcpServer(let server, let name) where config.servers[server] != nil:
                let offset = "mcp://".count + server.unicodeScalars.count + 1
                out.append(
                    Site(
                        server: .named(server), tool: name, toolNode: toolNode, toolOffset: offset,
                        params: step["params"]))
            default:
                continue
            }
        }
        return out
    }
}
