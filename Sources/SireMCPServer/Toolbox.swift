import Foundation
import SireController
import SireCore
import SireGit
import SireSpec
import SireStore

/// sire-git's six MCP tools over a backend, independent of the MCP wire types: each call
/// returns the structured result or a failure message.
package struct Toolbox: Sendable {
    /// Reports progress while a call waits for a run: a count that only grows, and a message.
    package typealias Progress = @Sendable (_ count: Int, _ message: String) async -> Void

    let backend: any ToolBackend
    let entries: [ToolCatalog.Entry]
    private let blocking = Blocking(label: "sire.mcp.tools")

    /// The tools over `backend` (`run_workflow` takes `rev` when the backend runs any revision).
    package init(backend: any ToolBackend) {
        self.backend = backend
        entries = ToolCatalog.entries(runsAnyRevision: backend.runsAnyRevision)
    }

    /// The tools' names, in the order `tools/list` gives them.
    package var toolNames: [String] { entries.map(\.name) }

    /// The request header an HTTP front end sets (replacing any the client sent) to tell the
    /// tools the role it authenticated; without an HTTP request (stdio) the caller is admin.
    package static let roleHeader = "X-Sire-Authenticated-Role"

    /// Runs one tool. `role` is the caller's (HTTP tokens); `progress` receives step events
    /// while the call waits for a run.
    package func call(
        _ name: String, arguments: [String: Value], role: APIRole, progress: Progress? = nil
    ) async -> Result<Value, ToolFailure> {
        guard let entry = entries.first(where: { $0.name == name }) else {
            return .failure(
                ToolFailure(
                    "unknown tool '\(name)'\(Suggestion.hint(for: name, in: toolNames)) "
                        + "(tools: \(toolNames.joined(separator: ", ")))"))
        }
        if entry.access == .operate && role < .operator {
            return .failure(
                ToolFailure("\(name) needs the operator role; the caller's token has \(role.rawValue)"))
        }
        do {
            let arguments = try ToolArguments(values: arguments, allowed: entry.argumentNames)
            switch name {
            case "list_workflows": return .success(try await listWorkflows(arguments))
            case "validate": return .success(try await validate(arguments))
            case "run_workflow": return .success(try await runWorkflow(arguments, progress: progress))
            case "get_run": return .success(try await getRun(arguments, progress: progress))
            case "cancel_run": return .success(try await cancelRun(arguments))
            case "commit_status": return .success(try await commitStatus(arguments))
            default: return .failure(ToolFailure("\(name) has no implementation"))
            }
        } catch let failure as ToolFailure {
            return .failure(ToolFailure("\(name): \(failure.message)"))
        } catch let error as ControllerError {
            return .failure(ToolFailure("\(name): \(error.message)"))
        } catch {
            return .failure(ToolFailure("\(name): \(error)"))
        }
    }

    private var runtime: Runtime { backend.runtime }

    // MARK: workflows

    private func listWorkflows(_ arguments: ToolArguments) async throws -> Value {
        let revision = try arguments.string("rev") ?? backend.defaultRevision
        let runtime = self.runtime
        let (commit, report) = try await blocking.run {
            let repository = try Repository(path: runtime.gitDirectory)
            let commit = try Self.resolve(revision, in: repository)
            return (commit, try WorkflowSet.load(repository: repository, commit: commit).validate())
        }
        let deployments = Dictionary(
            try runtime.store.snapshot { tx in try tx.deployments() }.map { ($0.workflowID, $0) },
            uniquingKeysWith: { first, _ in first })
        var workflows: [Value] = []
        for file in report.files {
            var object: [String: Value] = [
                "id": file.workflowID.map(Value.string) ?? .null, "path": .string(file.path),
                "blob": file.blob.map(Value.string) ?? .null, "valid": .bool(file.isValid),
                "diagnostics": .array(file.diagnostics.map(\.json)),
            ]
            if let workflow = file.workflow { object.merge(APIJSON.definition(workflow)) { _, new in new } }
            object["deployment"] = .null
            if let id = file.workflowID, let deployment = deployments[id] {
                let next = deployment.isLive ? await backend.nextFire(of: id) : nil
                object["deployment"] = .object([
                    "live": .bool(deployment.isLive),
                    "this_version": .bool(deployment.isLive && deployment.appliedBlob == file.blob),
                    "applied_commit": APIJSON.optional(deployment.appliedCommit),
                    "applied_blob": APIJSON.optional(deployment.appliedBlob),
                    "retired_at": APIJSON.time(deployment.retiredAt),
                    "next_fire": APIJSON.time(next),
                ])
            }
            workflows.append(.object(object))
        }
        return .object([
            "commit": .string(commit.id.description), "revision": .string(revision),
            "config_diagnostics": .array(report.configDiagnostics.map(\.json)),
            "workflows": .array(workflows),
        ])
    }

    private func validate(_ arguments: ToolArguments) async throws -> Value {
        let revision = try arguments.string("rev") ?? backend.defaultRevision
        let given = try arguments.object("files")
        var texts: [String: String] = [:]
        for (path, value) in given ?? [:] {
            guard case .string(let text) = value else {
                throw ToolFailure("files['\(path)'] must be the file's YAML text, a string")
            }
            texts[try Self.relativePath(path)] = text
        }
        let runtime = self.runtime
        let files = texts
        return try await blocking.run {
            let repository = try Repository(path: runtime.gitDirectory)
            let commit = try Self.resolve(revision, in: repository)
            var set = try WorkflowSet.load(repository: repository, commit: commit)
            // The committed files keep their ids: a proposed file claiming one is the duplicate.
            let incumbents = files.isEmpty ? [:] : set.validate().owners
            if let config = files[RepoConfig.fileName] {
                (set.config, set.configDiagnostics) = WorkflowValidator.loadConfig(bytes: Array(config.utf8))
                set.configSource = config
            }
            for (path, text) in files.sorted(by: { $0.key < $1.key }) where path != RepoConfig.fileName {
                guard set.config.isWorkflowPath(path) else {
                    throw ToolFailure(
                        "'\(path)' is not a workflow file: workflows are .yaml or .yml files under "
                            + set.config.workflowDirectories.map { "\($0)/" }.joined(separator: ", "))
                }
                set.files.removeAll { $0.path == path }
                set.files.append(WorkflowFile(path: path, bytes: Array(text.utf8)))
            }
            var report = set.validate(incumbents: incumbents)
            if !files.isEmpty { report.files = report.files.filter { files[$0.path] != nil } }
            return report.json(commit: commit)
        }
    }

    // MARK: runs

    private func runWorkflow(_ arguments: ToolArguments, progress: Progress?) async throws -> Value {
        let workflow = try arguments.requiredString("workflow")
        let inputs = try arguments.object("inputs") ?? [:]
        let revision = try arguments.string("rev")
        let wait = try arguments.seconds("wait_seconds")
        let key = try arguments.string("idempotency_key")
        if let key, key.count > 200 {
            throw ToolFailure("'idempotency_key' must have at most 200 characters")
        }
        let run: RunRecord
        let launch: String
        switch try await backend.launch(workflow: workflow, inputs: inputs, revision: revision, key: key) {
        case .skipped(let reason):
            throw ToolFailure(
                "concurrency_skipped: the workflow's concurrency policy skipped the run: \(reason)")
        case .started(let record): (run, launch) = (record, "started")
        case .queued(let record): (run, launch) = (record, "queued")
        case .existing(let record): (run, launch) = (record, "existing")
        }
        if let wait { _ = try await runtime.waitForRun(run.id, timeout: wait, onEvents: Self.forward(progress)) }
        guard case .object(var detail)? = try APIJSON.runDetail(run.id, store: runtime.store) else {
            throw ToolFailure("the run '\(run.id)' vanished from the index")
        }
        detail["launch"] = .string(launch)
        return .object(detail)
    }

    private func getRun(_ arguments: ToolArguments, progress: Progress?) async throws -> Value {
        let id = try arguments.requiredString("run")
        let after = try arguments.integer("events_after")
        if let wait = try arguments.seconds("wait_seconds") {
            _ = try await runtime.waitForRun(id, timeout: wait, onEvents: Self.forward(progress))
        }
        // The run first, then its events: the events then cover at least what the run shows.
        guard case .object(var detail)? = try APIJSON.runDetail(id, store: runtime.store) else {
            throw ToolFailure("no run '\(id)'")
        }
        if let after {
            let events = try runtime.store.snapshot { tx in try tx.events(of: id, after: Int64(after), limit: 1000) }
            detail["events"] = .array(events.map(APIJSON.event))
            detail["last_event"] = .int(Int(events.last?.seq ?? Int64(after)))
        }
        return .object(detail)
    }

    private func cancelRun(_ arguments: ToolArguments) async throws -> Value {
        let id = try arguments.requiredString("run")
        guard try runtime.store.snapshot({ tx in try tx.run(id) }) != nil else {
            throw ToolFailure("no run '\(id)'")
        }
        let requested = try await runtime.engine.requestCancel(id)
        let status = try runtime.store.snapshot { tx in try tx.run(id) }?.status.rawValue ?? "cancelled"
        return .object(["run": .string(id), "cancel_requested": .bool(requested), "status": .string(status)])
    }

    // MARK: commits

    private func commitStatus(_ arguments: ToolArguments) async throws -> Value {
        let revision = try arguments.string("rev") ?? backend.defaultRevision
        let limit: Int?
        if let count = try? arguments.integer("runs", minimum: Int.min) {
            guard count >= 0 else { throw ToolFailure("'runs' must be at least 0") }
            limit = count
        } else if let text = try arguments.string("runs") {
            limit = try CommitStatusReader.runLimit(text)
        } else {
            limit = CommitStatusReader.defaultRunLimit
        }
        let runtime = self.runtime
        let status = try await blocking.run {
            try CommitStatusReader(
                repository: try Repository(path: runtime.gitDirectory), stateDirectory: runtime.state, runLimit: limit
            )
            .status(of: revision, now: Date())
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try Value.parseJSON(String(decoding: try encoder.encode(status), as: UTF8.self))
    }

    // MARK: helpers

    private static func resolve(_ revision: String, in repository: Repository) throws -> CommitInfo {
        do {
            return try repository.resolveCommit(revision)
        } catch {
            throw ToolFailure("cannot resolve revision '\(revision)': \(error)")
        }
    }

    /// A repository-relative path without `.` or `..` components.
    private static func relativePath(_ path: String) throws(ToolFailure) -> String {
        let trimmed = path.hasPrefix("./") ? String(path.dropFirst(2)) : path
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        guard !trimmed.isEmpty, !trimmed.hasPrefix("/"),
            !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." })
        else {
            throw ToolFailure(
                "'\(path)' must be a path relative to the repository root, such as workflows/x.yaml")
        }
        return trimmed
    }

    /// Turns a run's new events into progress reports.
    private static func forward(_ progress: Progress?) -> (@Sendable ([EventRecord]) async -> Void)? {
        guard let progress else { return nil }
        return { events in
            for event in events {
                var message = event.kind
                if let step = event.stepID { message += " \(step)" }
                if event.kind == "log", case .object(let data)? = event.data, case .string(let line)? = data["message"]
                {
                    message += ": \(line)"
                }
                await progress(Int(event.seq), message)
            }
        }
    }
}
