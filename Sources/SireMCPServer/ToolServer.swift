import Foundation
import Logging
import MCP
import SireController
import SireCore
import SireMCP

/// Builds the MCP `Server` that serves a ``Toolbox``: `tools/list` and `tools/call`, with
/// results as `structuredContent` plus the same JSON as text, failures as `isError` results,
/// and run events as progress notifications when the client sends a `progressToken`.
package enum ToolServer {
    static let instructions = """
        sire-git runs workflows defined as YAML in a git repository. list_workflows shows what is \
        defined (and deployed); validate checks YAML before you commit it; run_workflow starts a run \
        (wait_seconds waits for it); get_run with events_after follows a run; cancel_run stops one; \
        commit_status says what a commit defined and what ran.
        """

    /// A server for one client connection (the SDK's `Server` serves one session).
    package static func make(_ toolbox: Toolbox, logger: Logger) async -> Server {
        let server = Server(
            name: "sire-git", version: ControllerVersion.current, title: "sire-git", instructions: instructions,
            capabilities: Server.Capabilities(tools: .init(listChanged: false)))
        let tools = toolbox.entries.map(\.tool)
        await server.withMethodHandler(ListTools.self) { _ in ListTools.Result(tools: tools) }
        let box = ServerBox(server)
        await server.withMethodHandler(CallTool.self) { params in
            guard toolbox.toolNames.contains(params.name) else {
                throw MCPError.invalidParams(
                    "unknown tool '\(params.name)'\(Suggestion.hint(for: params.name, in: toolbox.toolNames)) "
                        + "(tools: \(toolbox.toolNames.joined(separator: ", ")))")
            }
            let role =
                Server.currentHandlerContext?.httpContext?.header(Toolbox.roleHeader).flatMap(APIRole.init(rawValue:))
                ?? (Server.currentHandlerContext?.httpContext == nil ? .admin : .viewer)
            var progress: Toolbox.Progress?
            if let token = params._meta?.progressToken {
                progress = { count, message in
                    try? await box.server?.notify(
                        ProgressNotification.message(
                            .init(progressToken: token, progress: Double(count), message: message)))
                }
            }
            let arguments = (params.arguments ?? [:]).mapValues(SireCore.Value.init)
            let started = ContinuousClock.now
            let outcome = await toolbox.call(params.name, arguments: arguments, role: role, progress: progress)
            let elapsed = ContinuousClock.now - started
            switch outcome {
            case .success(let value):
                logger.debug("tool call", metadata: ["mcp.tool": "\(params.name)", "duration": "\(elapsed)"])
                let content: [Tool.Content] = [.text(text: value.jsonString(), annotations: nil, _meta: nil)]
                let structured: MCP.Value? = value.mcpValue
                return CallTool.Result(content: content, structuredContent: structured, isError: nil, _meta: nil)
            case .failure(let failure):
                logger.info(
                    "tool call failed: \(failure.message)",
                    metadata: ["mcp.tool": "\(params.name)", "duration": "\(elapsed)"])
                return CallTool.Result(
                    content: [.text(text: failure.message, annotations: nil, _meta: nil)], isError: true)
            }
        }
        return server
    }
}

/// A weak reference to the server, for its own handlers (a strong one would keep every
/// closed session alive).
private final class ServerBox: @unchecked Sendable {
    // Written once, in init, before the box is shared.
    weak var server: Server?

    init(_ server: Server) {
        self.server = server
    }
}
