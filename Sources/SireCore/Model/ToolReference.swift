/// A step's tool URI, parsed. The engine routes calls by this value and knows nothing else of tools.
public enum ToolReference: Sendable, Hashable, CustomStringConvertible {
    /// `sire:local/SERVICE.METHOD`: a built-in tool, in process.
    case local(String)
    /// `mcp:URL#TOOL`: MCP `tools/call` on a Streamable-HTTP server.
    case mcpURL(url: String, tool: String)
    /// `mcp://NAME/TOOL`: a server named in `sire.yaml`.
    case mcpServer(name: String, tool: String)
    /// `jsonrpc:URL#METHOD`: a plain JSON-RPC 2.0 call.
    case jsonRPC(url: String, method: String)

    /// The built-in tools, `SERVICE.METHOD`.
    public static let builtins: [String] = [
        "file.read", "file.write", "file.list", "http.request", "data.transform", "shell.run",
        "log.write", "time.sleep",
    ]

    /// Whether the tool works in the run's checkout (the file tools and `shell.run`); a run
    /// whose steps call no such tool gets no checkout at all.
    public var usesCheckout: Bool {
        guard case .local(let name) = self else { return false }
        return name.hasPrefix("file.") || name == "shell.run"
    }

    /// The URI as written in a workflow.
    public var description: String {
        switch self {
        case .local(let name): "sire:local/\(name)"
        case .mcpURL(let url, let tool): "mcp:\(url)#\(tool)"
        case .mcpServer(let name, let tool): "mcp://\(name)/\(tool)"
        case .jsonRPC(let url, let method): "jsonrpc:\(url)#\(method)"
        }
    }
}

extension ToolReference {
    /// Parses a tool URI. Built-in names are not checked here (the validator does, with
    /// "did you mean"), only the URI's shape.
    public static func parse(_ text: String) throws(ToolReferenceError) -> ToolReference {
        if text.isEmpty {
            throw ToolReferenceError(message: "tool URI is empty")
        }
        if text.hasPrefix("sire:") {
            let rest = text.dropFirst("sire:".count)
            guard rest.hasPrefix("local/") else {
                throw ToolReferenceError(
                    message: "unknown sire: tool namespace in '\(text)'; built-in tools are "
                        + "'sire:local/SERVICE.METHOD'", offset: 5)
            }
            let name = String(rest.dropFirst("local/".count))
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(isNameCharacter) })
            else {
                throw ToolReferenceError(
                    message: "malformed built-in tool '\(text)': expected 'sire:local/SERVICE.METHOD'",
                    offset: 11)
            }
            return .local(name)
        }
        if text.hasPrefix("mcp://") {
            let rest = text.dropFirst("mcp://".count)
            guard let slash = rest.firstIndex(of: "/") else {
                throw ToolReferenceError(
                    message: "malformed MCP tool '\(text)': expected 'mcp://SERVER/TOOL'", offset: 6)
            }
            let name = String(rest[..<slash])
            let tool = String(rest[rest.index(after: slash)...])
            guard !name.isEmpty, name.allSatisfy(isNameCharacter) else {
                throw ToolReferenceError(
                    message: "malformed MCP server name '\(name)' in '\(text)'", offset: 6)
            }
            guard !tool.isEmpty, !tool.contains("/") else {
                throw ToolReferenceError(
                    message: "malformed MCP tool name in '\(text)': expected 'mcp://SERVER/TOOL'",
                    offset: 6 + name.unicodeScalars.count + 1)
            }
            return .mcpServer(name: name, tool: tool)
        }
        if text.hasPrefix("mcp:") {
            let (url, tool) = try splitURL(text, scheme: "mcp:", what: "TOOL")
            return .mcpURL(url: url, tool: tool)
        }
        if text.hasPrefix("jsonrpc:") {
            let (url, method) = try splitURL(text, scheme: "jsonrpc:", what: "METHOD")
            return .jsonRPC(url: url, method: method)
        }
        throw ToolReferenceError(
            message: "unknown tool scheme in '\(text)': expected sire:local/, mcp://, mcp: or jsonrpc:")
    }

    private static func splitURL(_ text: String, scheme: String, what: String) throws(ToolReferenceError)
        -> (String, String)
    {
        let rest = text.dropFirst(scheme.count)
        guard let hash = rest.lastIndex(of: "#") else {
            throw ToolReferenceError(
                message: "malformed tool '\(text)': expected '\(scheme)URL#\(what)'",
                offset: text.unicodeScalars.count)
        }
        let url = String(rest[..<hash])
        let name = String(rest[rest.index(after: hash)...])
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw ToolReferenceError(
                message: "tool URL '\(url)' must start with http:// or https://",
                offset: scheme.count)
        }
        guard url.count > "https://".count - (url.hasPrefix("http://") ? 1 : 0) else {
            throw ToolReferenceError(message: "tool URL '\(url)' has no host", offset: scheme.count)
        }
        guard !name.isEmpty else {
            throw ToolReferenceError(
                message: "malformed tool '\(text)': the \(what.lowercased()) after '#' is empty",
                offset: text.unicodeScalars.count)
        }
        return (url, name)
    }

    private static func isNameCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "-")
    }
}
