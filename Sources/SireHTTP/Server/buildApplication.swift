import Hummingbird
import NIOCore
import Logging
import SireController

/// The HTTP API over a controller, as a Hummingbird `Application` — a ServiceLifecycle
/// `Service`: run it in the controller's `ServiceGroup` (after the controller, so on SIGTERM it
/// stops accepting and drains its requests first). `MetricsSetup.bootstrap()` should have run.
package func buildApplication(
    controller: Controller, configuration: HTTPConfiguration, logger: Logger = Logger(label: "sire.http")
) -> Application<APIResponder> {
    let handlers = APIHandlers(controller: controller, configuration: configuration, readiness: Readiness(controller: controller))
    let responder = APIResponder(routes: handlers.routes, configuration: configuration)
    let onListening = configuration.onListening
    let host = configuration.host
    if configuration.tokens.isEmpty && !configuration.isLoopback {
        logger.warning(
            "no API tokens configured: the API on \(host) answers only clients on this machine (use --tokens or SIRE_API_TOKENS)")
    }
    return Application(
        responder: responder,
        server: .http1(configuration: .init(idleTimeout: .nanoseconds(configuration.idleTimeout.nanoseconds))),
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port), serverName: nil),
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            logger.info("HTTP API listening", metadata: ["http.address": "\(host):\(port)"])
            await onListening?(port)
        },
        logger: logger)
}
