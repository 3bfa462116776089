import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SireController
import SireCore
import SireHTTP
import SireTools

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
            refs/notes/sire/checks and every finished run one in a ledger partition \
            (refs/notes/sire/runs-<YYYY-MM>/<writer>.<NNNN>, summed up in refs/notes/sire/summary). SIGTERM or SIGINT \
            stops gracefully: executing runs get --drain-timeout to finish; the rest resume on restart.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup(title: "Private remotes") var remote: RemoteOptions

    @Option(help: "The tracked branch (default: sire.yaml's branch, else the repository's default branch).")
    var branch: String?

    @Option(help: "How often a URL source is fetched, e.g. 30s or 1m30s.")
    var interval = DurationArgument(argument: "30s")!

    @Option(help: "How long executing runs may take to finish on SIGTERM, e.g. 30s.")
    var drainTimeout = DurationArgument(argument: "30s")!

    @Flag(help: "Reconcile the current head once, finish the runs it starts, write the ledger and exit.")
    var once = false

    @Option(help: "A secrets file (mode 0600): NAME=value lines or a YAML mapping.")
    var secrets: String?

    @Option(help: "Where the HTTP API listens, HOST:PORT; \"off\" for none.")
    var listen: String = HTTPConfiguration.defaultListen

    @Option(help: "API tokens file (mode 0600): one `ROLE TOKEN` a line, roles viewer, operator, admin.")
    var tokens: String?

    @Option(
        help: """
            How steps' processes are kept from the controller's state and credentials: bubblewrap, \
            off, or auto (bubblewrap when it is installed and works, else off with a warning).
            """)
    var sandbox: SandboxMode = .auto

    @Option(help: "Run steps' processes as this unprivileged user (the controller must run as root).")
    var stepUser: String?

    @Option(help: "Push the ledger (refs/notes/sire/*) to a URL source's remote after writes: on or off.")
    var ledgerPush: Switch = .on

    enum Switch: String, ExpressibleByArgument, CaseIterable {
        case on, off
    }

    enum SandboxMode: String, ExpressibleByArgument, CaseIterable {
        case auto, bubblewrap, off
    }

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
        options.interval = interval.duration
        options.drainGrace = drainTimeout.duration
        options.once = once
        options.access = try remote.access()
        options.ledgerPush = ledgerPush == .on
        // Every option is checked before anything starts (also with --once, which serves
        // nothing but must not accept what a service would refuse).
        var http: HTTPConfiguration?
        if listen != "off" {
            do {
                http = try HTTPConfiguration.make(
                    listen: listen, tokensFile: tokens, environment: LaunchEnvironment.variables)
            } catch {
                throw CLIError.usage("\(error)")
            }
        }
        // The controller's own credentials are redacted from runs like secrets, but no
        // template can name them.
        options.secrets = try SecretsLoader.load(file: secrets, environment: LaunchEnvironment.variables)
            .hiding((http?.credentials ?? []) + options.access.secrets)
        options.isolation = try await isolation(logger: logger)
        MetricsSetup.bootstrap()
        let controller = try Controller(options: options, logger: logger)
        // `--once` runs through the same service group (SIGTERM and SIGINT stop it gracefully
        // too); it serves nothing, so the HTTP API is left out.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            once
                ? .init(service: controller, successTerminationBehavior: .gracefullyShutdownGroup)
                : .init(service: controller)
        ]
        if let http, !once {
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

    /// The step isolation `--sandbox` and `--step-user` ask for, checked by starting a process
    /// under it. The tokens and secrets files are hidden from steps.
    private func isolation(logger: Logger) async throws -> StepIsolation {
        var isolation = StepIsolation()
        if let stepUser {
            guard geteuid() == 0 else {
                throw CLIError.usage(
                    "--step-user \(stepUser): the controller must run as root to run steps as another user")
            }
            guard let entry = getpwnam(stepUser) else { throw CLIError.usage("--step-user \(stepUser): no such user") }
            guard entry.pointee.pw_uid != 0 else {
                throw CLIError.usage("--step-user \(stepUser): the step user must not be root")
            }
            guard let setpriv = StepIsolation.executable(named: "setpriv") else {
                throw CLIError.usage("--step-user needs setpriv (Debian package util-linux) on PATH")
            }
            isolation.user = StepIsolation.User(
                name: stepUser, uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid, setpriv: setpriv)
        }
        if sandbox != .off {
            if let bubblewrap = StepIsolation.executable(named: "bwrap") {
                var sandboxed = isolation
                sandboxed.sandbox = StepIsolation.Sandbox(
                    bubblewrap: bubblewrap,
                    hiddenFiles: [tokens, secrets].compactMap { $0 }.map(StateLocation.absolute) + remote.secretFiles)
                if let problem = await sandboxed.probe() {
                    if sandbox == .bubblewrap {
                        throw CLIError.usage("--sandbox bubblewrap: \(bubblewrap) fails: \(problem)")
                    }
                    logger.warning("steps run without a sandbox: \(bubblewrap) fails here: \(problem)")
                } else {
                    isolation = sandboxed
                }
            } else if sandbox == .bubblewrap {
                throw CLIError.usage("--sandbox bubblewrap: bwrap is not on PATH (Debian package bubblewrap)")
            } else {
                logger.warning(
                    "steps run without a sandbox: bwrap is not on PATH (install the Debian package bubblewrap)")
            }
        }
        if isolation.sandbox == nil, let problem = await isolation.probe() {
            throw CLIError.usage("--step-user \(stepUser ?? ""): cannot start a process as that user: \(problem)")
        }
        return isolation
    }
}
