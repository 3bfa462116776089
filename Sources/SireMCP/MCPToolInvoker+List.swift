import MCP
public import SireCore

extension MCPToolInvoker {
    /// The tools a server offers, by name, each with its `inputSchema` (`tools/list`, every
    /// page), over the endpoint's shared session (started if there is none).
    ///
    /// - Throws: a `ToolError` saying why (without naming the endpoint) the server could not be reached or listed, after
    ///   at most `limit`.
    public func listTools(_ endpoint: MCPEndpoint, limit: Duration = .seconds(30)) async throws(ToolError)
        -> [String: SireCore.Value]
    {
        let pool = self.pool
        do {
            return try await Self.withDeadline(limit) {
                let session = try await pool.session(for: endpoint)
                do {
                    var tools: [String: SireCore.Value] = [:]
                    var cursor: String?
                    repeat {
                        let page = try await session.client.listTools(cursor: cursor)
                        for tool in page.tools { tools[tool.name] = SireCore.Value(tool.inputSchema) }
                        // A server that hands back the cursor it was given would loop forever.
                        cursor = page.nextCursor == cursor ? nil : page.nextCursor
                    } while cursor != nil
                    return tools
                } catch {
                    if let reason = session.closedReason { throw MCPTransportError(reason) }
                    throw error
                }
            }
        } catch let error as MCPTransportError {
            throw ToolError(error.message, transient: true)
        } catch let error as MCPCallTimeout {
            throw ToolError("no answer within \(DurationText.format(error.limit))", transient: true)
        } catch let error as MCPError {
            throw ToolError(error.localizedDescription)
        } catch {
            throw ToolError("\(error)", transient: true)
        }
    }
}
