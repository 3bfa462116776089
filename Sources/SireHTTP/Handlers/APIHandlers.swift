import Foundation
import Hummingbird
import SireController
import SireCore
import SireMCPServer
import SireStore

/// The endpoints of SPEC §8 over one controller.
struct APIHandlers: Sendable {
    let controller: Controller
    let configuration: HTTPConfiguration
    let readiness: Readiness
    /// The MCP sessions of `/mcp`.
    let mcpSessions: HTTPSessions
    let blocking = Blocking(label: "sire.http.git")

    /// Every route, with the role it needs.
    var routes: RouteTable {
        RouteTable(routes: [
            Route(.get, "/healthz", .open) { _ in .json(.object(["status": .string("ok")])) },
            Route(.get, "/readyz", .open, ready),
            Route(.get, "/metrics", .open, metrics),
            Route(.post, "/v1/hooks/git", .hook, hook),
            Route(.post, "/v1/workflows/{id}/runs", .role(.operator), trigger),
            Route(.get, "/v1/workflows", .role(.viewer), workflows),
            Route(.get, "/v1/workflows/{id}", .role(.viewer), workflow),
            Route(.get, "/v1/runs", .role(.viewer), runs),
            Route(.get, "/v1/runs/{id}", .role(.viewer), run),
            Route(.post, "/v1/runs/{id}/cancel", .role(.operator), cancel),
            Route(.post, "/v1/runs/{id}/rerun", .role(.operator), rerun),
            Route(.get, "/v1/runs/{id}/events", .role(.viewer), streams: true, events),
            Route(.get, "/v1/commits/{rev}/status", .role(.viewer), commitStatus),
            Route(.post, "/mcp", .role(.viewer), streams: true, mcp),
            Route(.get, "/mcp", .role(.viewer), streams: true, mcp),
            Route(.delete, "/mcp", .role(.viewer), streams: true, mcp),
        ])
    }

    // MARK: health

    @Sendable func ready(_ call: APICall) async throws -> Response {
        if let problem = readiness.problem() {
            throw APIError(.serviceUnavailable, "not_ready", problem)
        }
        return .json(.object(["status": .string("ready")]))
    }

    @Sendable func metrics(_ call: APICall) async throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: MetricsSetup.exposition())))
    }

    // MARK: hooks

    @Sendable func hook(_ call: APICall) async throws -> Response {
        let body = try await call.body()
        let verifier = HookVerifier(secrets: configuration.hookSecrets, branch: controller.source.branch)
        do {
            switch try verifier.verify(headers: call.request.headers, body: body, loopbackPeer: call.loopbackPeer) {
            case .accept(let sender):
                controller.poke()
                call.logger.info(
                    "webhook accepted: fetch and reconcile", metadata: ["hook.sender": "\(sender.rawValue)"])
                return .json(.object(["accepted": .bool(true)]), status: .accepted)
            case .ignore(let reason):
                call.logger.info("webhook ignored: \(reason)")
                return Response(status: .noContent)
            }
        } catch {
            call.logger.warning("webhook rejected: \(error.message)")
            throw error
        }
    }

    // MARK: workflows

    @Sendable func workflows(_ call: APICall) async throws -> Response {
        let deployments = try controller.deployments().sorted { $0.workflowID < $1.workflowID }
        var list: [Value] = []
        for deployment in deployments { list.append(await workflowJSON(deployment)) }
        return .json(.object(["workflows": .array(list)]))
    }

    @Sendable func workflow(_ call: APICall) async throws -> Response {
        let id = call.parameters["id"] ?? ""
        guard let deployment = try controller.runtime.store.snapshot({ tx in try tx.deployment(id) }) else {
            throw APIError.notFound("no workflow '\(id)'")
        }
        return .json(await workflowJSON(deployment))
    }

    private func workflowJSON(_ deployment: Deployment) async -> Value {
        let live = deployment.isLive ? controller.liveWorkflow(deployment.workflowID) : nil
        let next = live == nil ? nil : await controller.scheduler.nextFire(of: deployment.workflowID)
        return APIJSON.workflow(deployment, live: live, nextFire: next)
    }

    /// Starts a run: the body is `{"inputs": {...}}` (or empty), `Idempotency-Key` makes retries
    /// yield one run. 201 started, 202 queued, 200 an existing run for that key, 409
    /// `concurrency_skipped` when the workflow's `skip` policy dropped it, 422 bad inputs.
    /// `?wait=DURATION` waits for the end: the finished run, or 202 with the run as it is.
    @Sendable func trigger(_ call: APICall) async throws -> Response {
        let id = call.parameters["id"] ?? ""
        let wait = try WaitParameter.from(call.query, cap: configuration.maxWait)
        let inputs = try Self.inputs(from: try await call.body())
        let key = call.header("Idempotency-Key")
        if let key, key.isEmpty || key.count > 200 {
            throw APIError.badRequest("Idempotency-Key must have 1 to 200 characters")
        }
        let outcome = try await controller.triggerHTTP(workflowID: id, inputs: inputs, requestKey: key)
        return try await answer(outcome, wait: wait, call: call)
    }

    private static func inputs(from body: [UInt8]) throws -> [String: Value] {
        let text = String(decoding: body, as: UTF8.self)
        guard !text.allSatisfy(\.isWhitespace) else { return [:] }
        let value: Value
        do {
            value = try Value.parseJSON(text)
        } catch {
            throw APIError.badRequest("the body is not valid JSON: \(error)")
        }
        guard case .object(let object) = value else {
            throw APIError.badRequest("the body must be a JSON object: {\"inputs\": {...}}")
        }
        if let extra = object.keys.sorted().first(where: { $0 != "inputs" }) {
            throw APIError.badRequest("unknown field '\(extra)': put the workflow's inputs under \"inputs\"")
        }
        switch object["inputs"] {
        case nil, .null?: return [:]
        case .object(let inputs)?: return inputs
        default: throw APIError.badRequest("\"inputs\" must be a JSON object")
        }
    }

    /// The response for a launch outcome, after waiting if asked.
    private func answer(_ outcome: LaunchOutcome, wait: Duration?, call: APICall) async throws -> Response {
        let run: RunRecord
        var status: HTTPResponse.Status
        switch outcome {
        case .skipped(let reason):
            throw APIError(.conflict, "concurrency_skipped", reason)
        case .started(let record):
            (run, status) = (record, .created)
        case .queued(let record):
            (run, status) = (record, .accepted)
        case .existing(let record):
            (run, status) = (record, .ok)
        }
        var headers: HTTPFields = [.location: "/v1/runs/\(run.id)"]
        headers[.contentLocation] = "/v1/runs/\(run.id)"
        if let wait {
            let latest = try await controller.waitForRun(run.id, timeout: wait)
            if latest.status.isFinished {
                if status == .accepted { status = .created }
            } else {
                status = .accepted
            }
        }
        guard let detail = try APIJSON.runDetail(run.id, store: controller.runtime.store) else {
            throw APIError.notFound("no run '\(run.id)'")
        }
        call.logger.info(
            "run \(status == .ok ? "exists" : "started")",
            metadata: ["run.id": "\(run.id)", "workflow.id": "\(run.workflowID)"])
        return .json(detail, status: status, headers: headers)
    }

    // MARK: runs

    /// Runs, newest first: `?workflow=&status=&commit=&limit=&cursor=`; `next_cursor` is null on
    /// the last page.
    @Sendable func runs(_ call: APICall) async throws -> Response {
        let query = call.query
        var status: RunStatus?
        if let text = query["status"], !text.isEmpty {
            guard let parsed = RunStatus(rawValue: text) else {
                throw APIError.badRequest(
                    "unknown status '\(text)' (use \(RunStatus.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            status = parsed
        }
        var limit = 50
        if let text = query["limit"] {
            guard let parsed = Int(text), (1...500).contains(parsed) else {
                throw APIError.badRequest("limit must be a number from 1 to 500")
            }
            limit = parsed
        }
        var before: String?
        if let cursor = query["cursor"], !cursor.isEmpty {
            guard let id = RunCursor.decode(cursor) else { throw APIError.badRequest("the cursor is not valid") }
            before = id
        }
        let workflow = query["workflow"].flatMap { $0.isEmpty ? nil : $0 }
        let commit = query["commit"].flatMap { $0.isEmpty ? nil : $0 }
        if let commit, !commit.allSatisfy(\.isHexDigit) {
            throw APIError.badRequest("commit must be hexadecimal (a prefix is enough)")
        }
        let page = try controller.runtime.store.snapshot { tx in
            try tx.runs(workflow: workflow, status: status, commit: commit, limit: limit + 1, before: before)
        }
        let runs = Array(page.prefix(limit))
        let next: Value = page.count > limit ? .string(RunCursor.encode(runs.last!.id)) : .null
        return .json(.object(["runs": .array(runs.map { APIJSON.run($0) }), "next_cursor": next]))
    }

    @Sendable func run(_ call: APICall) async throws -> Response {
        let id = call.parameters["id"] ?? ""
        guard let detail = try APIJSON.runDetail(id, store: controller.runtime.store) else {
            throw APIError.notFound("no run '\(id)'")
        }
        return .json(detail)
    }

    /// 202 when the cancellation was requested, 409 when the run had already finished.
    @Sendable func cancel(_ call: APICall) async throws -> Response {
        let id = call.parameters["id"] ?? ""
        guard try await controller.cancelRun(id) else {
            let status = try controller.runtime.store.snapshot { tx in try tx.run(id) }?.status.rawValue ?? "finished"
            throw APIError.conflict("run '\(id)' has already finished (\(status))")
        }
        call.logger.info("run cancellation requested", metadata: ["run.id": "\(id)"])
        return .json(.object(["id": .string(id), "cancel_requested": .bool(true)]), status: .accepted)
    }

    /// `?on=original|latest|REV`; answers like a trigger.
    @Sendable func rerun(_ call: APICall) async throws -> Response {
        let id = call.parameters["id"] ?? ""
        let on = call.query["on"].flatMap { $0.isEmpty ? nil : $0 } ?? "original"
        let wait = try WaitParameter.from(call.query, cap: configuration.maxWait)
        let controller = self.controller
        let outcome = try await controller.rerun(id, on: on)
        return try await answer(outcome, wait: wait, call: call)
    }

    // MARK: commits

    @Sendable func commitStatus(_ call: APICall) async throws -> Response {
        let rev = call.parameters["rev"] ?? ""
        let controller = self.controller
        let limit: Int?
        do {
            limit = try call.query["runs"].map(CommitStatusReader.runLimit) ?? CommitStatusReader.defaultRunLimit
        } catch {
            throw APIError.badRequest("\(error)")
        }
        do {
            let status = try await blocking.run { try controller.commitStatus(rev, runLimit: limit) }
            return try .json(encoding: status)
        } catch let error as ControllerError where error.code == .usage {
            // The revision does not resolve: for a URL that names it, that is a missing resource.
            throw APIError.notFound(error.message)
        }
    }
}
