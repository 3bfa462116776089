import Foundation
import Logging
import ServiceLifecycle
import SireController
import SireHTTP

/// A scratch repository whose one workflow, `noop`, logs a line and may be triggered over HTTP;
/// removed by ``remove()``.
struct NoopRepository {
    let path: String

    init(_ label: String) {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("sire-bench-\(label)-\(UUID())").path
        try! FileManager.default.createDirectory(atPath: path + "/workflows", withIntermediateDirectories: true)
        try! Data(
            """
            id: noop
            on: { http: {} }
            steps:
              - id: nothing
                tool: sire:local/log.write
                params: { message: "ok" }
            """.utf8
        ).write(to: URL(fileURLWithPath: path + "/workflows/noop.yaml"))
        sh("git init -q --initial-branch=main . && git add -A && git commit -qm noop", in: path)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A controller over a repository with its HTTP API on a free port of 127.0.0.1, in one
/// ServiceGroup, quiet logs; started once `noop` is deployed.
struct BenchAPI {
    let controller: Controller
    let port: Int
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    static func start(repository: String, state: String) async -> BenchAPI {
        MetricsSetup.bootstrap()
        var logger = Logger(label: "sire.bench")
        logger.logLevel = .error
        let controller = try! Controller(
            options: ControllerOptions(location: repository, state: state), logger: logger)
        var configuration = HTTPConfiguration()
        configuration.port = 0
        let bound = AsyncStream<Int>.makeStream()
        configuration.onListening = { port in
            bound.continuation.yield(port)
            bound.continuation.finish()
        }
        let app = buildApplication(controller: controller, configuration: configuration, logger: logger)
        let group = ServiceGroup(services: [controller, app], logger: logger)
        let running = Task { try await group.run() }
        var ports = bound.stream.makeAsyncIterator()
        let port = await ports.next()!
        while controller.liveWorkflow("noop") == nil { try? await Task.sleep(for: .milliseconds(10)) }
        return BenchAPI(controller: controller, port: port, group: group, running: running)
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await running.value
    }
}
