import Foundation
import SireCore
import SireGit
import SireMCP
import SireSpec
import SireStore
import Synchronization

/// Finds the server `mcp://NAME/TOOL` means for a run: the `servers:` of the `sire.yaml` in
/// the run's commit, with header templates rendered against the secrets.
///
/// Stdio servers start in a checkout of the run's commit kept under `state/mcp/SHA`, not in
/// the run's own checkout: that one is deleted when the run ends, while the server's session
/// is reused by later runs of the same commit. Each use touches the checkout; making a new one
/// removes those no call has used for ``unusedLimit`` (their servers, idle for longer than the
/// session idle limit of 10 minutes, have been stopped).
package final class MCPServerResolver: Sendable {
    let gitDirectory: String
    let state: String
    let store: Store
    let secrets: Secrets
    private let configs = Mutex<[String: RepoConfig]>([:])
    /// A server checkout unused this long is removed when another one is made.
    package static let unusedLimit: TimeInterval = 3600

    package init(gitDirectory: String, state: String, store: Store, secrets: Secrets) {
        self.gitDirectory = gitDirectory
        self.state = state
        self.store = store
        self.secrets = secrets
    }

    /// The endpoint of server `name` for `call`'s run.
    package func endpoint(_ name: String, for call: ToolCall) throws(ToolError) -> MCPEndpoint {
        let sha: String
        do {
            guard let run = try store.snapshot({ try $0.run(call.runID) }) else {
                throw ToolError("mcp://\(name): run \(call.runID) is not in the index")
            }
            sha = run.commit.sha
        } catch let error as ToolError {
            throw error
        } catch {
            throw ToolError("mcp://\(name): cannot read the run: \(error)", transient: true)
        }
        let config = try self.config(at: sha)
        guard let server = config.servers[name] else {
            let known = config.servers.keys.sorted()
            throw ToolError(
                "mcp://\(name): no server '\(name)' in sire.yaml at \(sha.prefix(12))"
                    + (known.isEmpty ? "" : " (it declares \(known.joined(separator: ", ")))"))
        }
        switch server {
        case .stdio(let command, let env):
            return .stdio(
                command: command, environment: env, directory: try serverCheckout(sha, for: call.isolation),
                isolation: call.isolation)
        case .http(let url, let templates):
            var headers: [String: String] = [:]
            let context = EvaluationContext(variables: ["secrets": secrets.context])
            for (header, template) in templates {
                do {
                    let value = try template.render(in: context)
                    if case .string(let text) = value {
                        headers[header] = text
                    } else {
                        headers[header] = value.stringified
                    }
                } catch {
                    throw ToolError("mcp://\(name): header \(header): \(secrets.redact("\(error)"))")
                }
            }
            return .http(url: url, headers: headers)
        }
    }

    private func config(at sha: String) throws(ToolError) -> RepoConfig {
        if let cached = configs.withLock({ $0[sha] }) { return cached }
        let config: RepoConfig
        do {
            guard let commit = ObjectID(sha) else { throw ToolError("bad commit id \(sha)") }
            config = try WorkflowSet.loadConfig(repository: Repository(path: gitDirectory), commit: commit).0
        } catch let error as ToolError {
            throw error
        } catch {
            throw ToolError("cannot read sire.yaml at \(sha.prefix(12)): \(error)", transient: true)
        }
        configs.withLock { $0[sha] = config }
        return config
    }

    /// `state/mcp/SHA`, materialised once; concurrent first uses race to a rename.
    private func serverCheckout(_ sha: String, for isolation: StepIsolation) throws(ToolError) -> String {
        let directory = "\(state)/mcp/\(sha)"
        if utimes(directory, nil) == 0 { return directory }
        pruneUnused(now: Date())
        let scratch = "\(state)/mcp/.\(sha).\(UUID().uuidString)"
        do {
            guard let commit = ObjectID(sha) else { throw ToolError("bad commit id \(sha)") }
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            _ = try Repository(path: gitDirectory).materialize(commit, into: scratch)
            try isolation.handOver(scratch)
            if rename(scratch, directory) != 0 {
                // Another call finished first: its checkout is as good as ours.
                try? FileManager.default.removeItem(atPath: scratch)
            }
        } catch let error as ToolError {
            throw error
        } catch {
            try? FileManager.default.removeItem(atPath: scratch)
            throw ToolError("cannot check out \(sha.prefix(12)) for the MCP server: \(error)", transient: true)
        }
        return directory
    }

    /// Removes server checkouts (and leftover scratch directories) not used for ``unusedLimit``.
    private func pruneUnused(now: Date) {
        let root = "\(state)/mcp"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root) else { return }
        for name in names {
            let path = "\(root)/\(name)"
            guard let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                now.timeIntervalSince(modified) > Self.unusedLimit
            else { continue }
            try? FileManager.default.removeItem(atPath: path)
        }
    }
}
