import Foundation
import SireController
import SireCore
import SireGit
import SireMCP
import SireSpec

extension ValidateCommand {
    /// How long one server may take to start and answer `tools/list`.
    static let onlineLimit: Duration = .seconds(20)

    /// `--online`: asks every MCP server the workflows call for `tools/list`, once, and adds
    /// `unknown-mcp-tool`, `mcp-param-schema` and `mcp-server-unreachable` diagnostics.
    ///
    /// Stdio servers start in the work tree when the workflows come from it, else (`--rev`, a
    /// bare repository) in a temporary checkout of the commit, removed afterwards. HTTP
    /// headers are rendered with the `SIRE_SECRET_*` secrets, as a run would.
    static func checkOnline(_ report: inout ValidationReport, set: WorkflowSet, repository: Repository?) async {
        let servers = MCPToolChecker.servers(in: set.files, config: set.config)
        guard !servers.isEmpty else { return }
        var scratch: String?
        defer { if let scratch { try? FileManager.default.removeItem(atPath: scratch) } }
        let secrets = Secrets.fromEnvironment(LaunchEnvironment.variables)
        var endpoints: [MCPToolChecker.Server: MCPEndpoint] = [:]
        var listings: [MCPToolChecker.Server: MCPToolChecker.Listing] = [:]
        for server in servers {
            do throws(ToolError) {
                endpoints[server] = try endpoint(
                    server, config: set.config, secrets: secrets,
                    directory: { () throws(ToolError) in
                        try serverDirectory(set: set, repository: repository, scratch: &scratch)
                    })
            } catch {
                listings[server] = .unreachable(error.message)
            }
        }
        let invoker = MCPToolInvoker(startupLimit: onlineLimit)
        let found = await withTaskGroup(of: (MCPToolChecker.Server, MCPToolChecker.Listing).self) { group in
            for (server, endpoint) in endpoints {
                group.addTask {
                    // Returned after do/catch, not from inside it: the release build miscompiles a
                    // tuple returned from there (fixtures/compiler/task-group-tuple-return.swift).
                    let listing: MCPToolChecker.Listing
                    do throws(ToolError) {
                        listing = .tools(try await invoker.listTools(endpoint, limit: onlineLimit))
                    } catch {
                        listing = .unreachable(secrets.redact(error.message))
                    }
                    return (server, listing)
                }
            }
            var out: [MCPToolChecker.Server: MCPToolChecker.Listing] = [:]
            for await (server, listing) in group { out[server] = listing }
            return out
        }
        await invoker.shutdown()
        listings.merge(found) { _, new in new }
        MCPToolChecker.apply(to: &report, files: set.files, listings: listings)
    }

    private static func endpoint(
        _ server: MCPToolChecker.Server, config: RepoConfig, secrets: Secrets,
        directory: () throws(ToolError) -> String
    ) throws(ToolError) -> MCPEndpoint {
        switch server {
        case .url(let url):
            return .http(url: url, headers: [:])
        case .named(let name):
            switch config.servers[name] {
            case nil:
                throw ToolError("not declared in sire.yaml")
            case .stdio(let command, let env)?:
                return .stdio(command: command, environment: env, directory: try directory())
            case .http(let url, let templates)?:
                var headers: [String: String] = [:]
                let context = EvaluationContext(variables: ["secrets": secrets.context])
                for (header, template) in templates {
                    do {
                        headers[header] = try template.render(in: context).stringified
                    } catch {
                        throw ToolError("header \(header): \(secrets.redact("\(error)"))")
                    }
                }
                return .http(url: url, headers: headers)
            }
        }
    }

    /// Where stdio servers start: the work tree, or a checkout of the commit made on first need.
    private static func serverDirectory(
        set: WorkflowSet, repository: Repository?, scratch: inout String?
    ) throws(ToolError) -> String {
        guard let commit = set.commit, let repository else {
            return repository?.workDirectory ?? FileManager.default.currentDirectoryPath
        }
        if let scratch { return scratch }
        let directory = NSTemporaryDirectory() + "sire-validate-\(commit.id.short)-\(UUID().uuidString)"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            scratch = directory
            _ = try repository.materialize(commit.id, into: directory)
        } catch {
            throw ToolError("cannot check out \(commit.id.short) to start the server: \(error)")
        }
        return directory
    }
}
