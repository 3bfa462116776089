import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SireController
import SireCore
import SireHTTP

/// `sire-git controller [--repo PATH|URL] [--branch B] [--interval D] [--once]`
struct ControllerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "controller",
        abstract: "Watch a repository: deploy workflows by commit, fire schedules and triggers, write the ledger.",
        discussion: """
            The source is --repo: a local repository (default: discovered from the working directory) or \
            a URL (file://, ssh://, https://) fetched into a bare mirror in the state directory. A local \
            ref update is noticed at once (inotify, and a read every 50 ms); a URL is fetched every \
            --interval. Each new head of the \
            tracked branch is reconciled by tree diff: valid workflows are applied, invalid ones keep their \
            last good version running, removed ones are retired. Every reconciled commit gets a record in \
            refs/notes/sire/checks and every finished run one in refs/notes/sire/runs. SIGTERM or SIGINT \
            stops gracefully: executing runs get --drain-timeout to finish; the rest resume on restart.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "The tracked branch (default: sire.yaml's branch, else the repository's default branch).")
    var branch: String?

    @Option(help: "How often a URL source is fetched, e.g. 30s.")
    var interval: String = "30s"

    @Option(help: "How long executing runs may take to finish on SIGTERM, e.g. 30s.")
    var drainTimeout: String = "30s"

    @Flag(help: "Reconcile the current head once, finish the runs it starts, write the ledger and exit.")
    var once = false

    @Option(help: "A secrets file (mode 0600): NAME=value lines or a YAML mapping.")
    var secrets: String?

    @Option(help: "Where the HTTP API listens, HOST:PORT; \"off\" for none.")
    var listen: String = HTTPConfiguration.defaultListen

    @Option(help: "API tokens file (mode 0600): one `ROLE TOKEN` a line, roles viewer, operator, admin.")
    var tokens: String?

    func run() async throws {
        let logger = LogSetup.bootstrap(global)
        let location = global.repo ?? FileManager.default.currentDirectoryPath
        let state: String
        if GitSource.isURL(location) {
            state = StateLocation.directory(global, repository: nil)
        } else {
            state = StateLocation.directory(global, repository: try RepositoryLocator.open(global))
        }
        var options = ControllerOptions(location: location, state: state)
        options.branch = branch
        options.interval = try Self.duration(interval, option: "--interval")
        options.drainGrace = try Self.duration(drainTimeout, option: "--drain-timeout")
        options.once = once
        options.secrets = try SecretsLoader.load(file: secrets)
        // Every option is checked before anything starts (also with --once, which serves
        // nothing but must not accept what a service would refuse).
        var http: HTTPConfiguration?
        if listen != "off" {
            do {
                http = try HTTPConfiguration.make(
                    listen: listen, tokensFile: tokens, environment: ProcessInfo.processInfo.environment)
            } catch {
                throw CLIError.usage("\(error)")
            }
        }
        MetricsSetup.bootstrap()
        let controller = try Controller(options: options, logger: logger)
        if once {
            try await controller.run()
            return
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: controller)]
        if let http {
            var httpLogger = logger
            httpLogger[metadataKey: "component"] = "http"
            services.append(
                .init(service: buildApplication(controller: controller, configuration: http, logger: httpLogger)))
        }
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            if let http, let reason = ListenFailure.reason(error) {
                throw CLIError.usage("cannot listen on \(http.host):\(http.port): \(reason)")
            }
            throw error
        }
    }

    static func duration(_ text: String, option: String) throws -> Duration {
        do {
            return try DurationText.parse(text)
        } catch {
            throw CLIError.usage("\(option): \(error.message)")
        }
    }
}
