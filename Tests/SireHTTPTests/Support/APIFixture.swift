import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import SireController
import SireCore
import SireTestSupport

@testable import SireHTTP

/// The controller did not become ready within the fixture's patience.
struct NotReady: Error {}

/// Workflows most suites deploy.
enum Workflows {
    /// A no-op triggered over HTTP, with typed inputs.
    static let greet = """
        id: greet
        inputs:
          name: { type: string, required: true }
          times: { type: integer, default: 1 }
        on: { http: {} }
        steps:
          - id: hello
            tool: sire:local/log.write
            params: { message: "hello {{ inputs.name }}" }
        """

    /// Logs, sleeps, prints from a shell, sleeps: a run that lasts ~0.6 s with events in between.
    static let slow = """
        id: slow
        on: { http: {} }
        steps:
          - id: first
            tool: sire:local/log.write
            params: { message: "first line" }
          - id: nap
            needs: [first]
            tool: sire:local/time.sleep
            params: { duration: 300ms }
          - id: shout
            needs: [nap]
            tool: sire:local/shell.run
            params: { argv: [sh, -c, "echo from-shell"] }
          - id: nap2
            needs: [shout]
            tool: sire:local/time.sleep
            params: { duration: 300ms }
        """

    /// One run at a time; a second is dropped.
    static let single = """
        id: single
        on: { http: {} }
        concurrency: { limit: 1, policy: skip }
        steps:
          - id: nap
            tool: sire:local/time.sleep
            params: { duration: 2s }
        """

    /// No HTTP trigger.
    static let scheduled = """
        id: scheduled
        on:
          schedule:
            - cron: "0 3 * * *"
        steps:
          - id: hello
            tool: sire:local/log.write
            params: { message: "tick" }
        """

    /// Runs on every push that changes data/.
    static let onPush = """
        id: on-push
        on: { push: { paths: ["data/**"] } }
        steps:
          - id: hello
            tool: sire:local/log.write
            params: { message: "pushed" }
        """
}

/// A real controller over a git repository made with the git CLI, with the HTTP API on a free
/// port of 127.0.0.1, both in one ServiceGroup, and an AsyncHTTPClient to talk to it.
final class APIFixture: @unchecked Sendable {
    // Safety: every property is set in `init` and only read afterwards.
    let git: GitFixture
    let controller: Controller
    let port: Int
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    static let client = HTTPClient(eventLoopGroupProvider: .singleton)

    /// A response, read whole.
    struct Reply {
        var status: Int
        var headers: HTTPHeaders
        var text: String

        /// The body as JSON (nil when it is not).
        var json: Value? { try? Value.parseJSON(text) }

        /// The `error.code` of a JSON error body.
        var errorCode: String? {
            guard case .object(let root)? = json, case .object(let error)? = root["error"],
                case .string(let code)? = error["code"]
            else { return nil }
            return code
        }

        /// A top-level string field of the JSON body.
        func string(_ key: String) -> String? {
            guard case .object(let object)? = json, case .string(let value)? = object[key] else { return nil }
            return value
        }
    }

    /// Commits `files` (path → content) and starts controller and server; waits until ready.
    init(
        files: [String: String], tokens: [(APIRole, String)] = [], urlSource: Bool = false,
        logs: LogCapture? = nil, configure: (inout HTTPConfiguration) -> Void = { _ in }
    ) async throws {
        MetricsSetup.bootstrap()
        git = try await GitFixture()
        for (path, content) in files { try git.write(path, content) }
        try await git.commit("workflows")
        // A URL source is fetched only every `interval` or when poked (by a webhook).
        var options = ControllerOptions(
            location: urlSource ? "file://" + git.root : git.root, state: git.sandbox + "/state")
        options.interval = .seconds(3600)
        options.drainGrace = .milliseconds(200)
        var logger =
            logs.map { capture in Logger(label: "sire.test") { _ in capture.handler } } ?? Logger(label: "sire.test")
        logger.logLevel = logs == nil ? .warning : .debug
        controller = try Controller(options: options, logger: logger)
        var configuration = HTTPConfiguration()
        configuration.port = 0
        for (role, token) in tokens { configuration.tokens.add(token, role: role) }
        let bound = AsyncStream<Int>.makeStream()
        configuration.onListening = { port in
            bound.continuation.yield(port)
            bound.continuation.finish()
        }
        configure(&configuration)
        let app = buildApplication(controller: controller, configuration: configuration, logger: logger)
        let group = ServiceGroup(services: [controller, app], logger: logger)
        self.group = group
        running = Task { try await group.run() }
        var iterator = bound.stream.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        self.port = port
        try await waitUntilReady()
    }

    private func waitUntilReady() async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if try await request(.GET, "/readyz").status == 200 { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw NotReady()
    }

    /// Shuts server and controller down gracefully.
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await running.value
    }

    /// Sends one request and reads the whole response.
    func request(
        _ method: HTTPMethod, _ path: String, body: String? = nil, headers: [(String, String)] = [],
        token: String? = nil
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            if request.headers["Content-Type"].isEmpty {
                request.headers.add(name: "Content-Type", value: "application/json")
            }
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await Self.client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, text: String(buffer: bytes))
    }

    /// Runs in the index, optionally of one workflow.
    func runCount(workflow: String? = nil) throws -> Int {
        try controller.runtime.store.snapshot { tx in try tx.runs(workflow: workflow, limit: 100_000).count }
    }
}
