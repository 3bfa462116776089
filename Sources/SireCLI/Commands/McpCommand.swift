import ArgumentParser
import Foundation
import ServiceLifecycle
import SireController
import SireMCPServer

/// `sire-git mcp`: sire-git's own tools over MCP on stdio, for agents and other orchestrators.
struct McpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve sire-git's own tools over MCP (stdio).",
        discussion: """
            Speaks MCP (JSON-RPC, one message a line) on stdin and stdout; logs go to stderr. Tools: \
            list_workflows, validate, run_workflow, get_run, cancel_run, commit_status. Runs started \
            here read their workflow from git (default HEAD), execute in this process with the index \
            under the state directory (so `sire-git runs` and `status` see them) and are written to \
            the ledger when they end; on start it also finishes runs a killed earlier process left \
            behind. When the client closes stdin (or on SIGTERM), calls still being \
            answered get up to --drain-timeout, then runs still going get as long to finish; the \
            rest resume with `sire-git runs resume`. A running \
            controller serves the same tools over HTTP at /mcp on its --listen address.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "A secrets file (mode 0600): NAME=value lines or a YAML mapping.")
    var secrets: String?

    @Option(help: "How long runs still executing may take to finish once the client is gone, e.g. 10s.")
    var drainTimeout = DurationArgument(argument: "10s")!

    func run() async throws {
        let logger = LogSetup.bootstrap(global)
        let grace = drainTimeout.duration
        let repository = try RepositoryLocator.open(global)
        let state = StateLocation.directory(global, repository: repository)
        let backend = try LocalBackend(
            gitDirectory: repository.gitDirectory, state: state,
            secrets: try SecretsLoader.load(file: secrets, environment: LaunchEnvironment.variables),
            logger: logger)
        let service = StdioToolService(backend: backend, grace: grace, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
