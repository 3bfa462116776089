import Hummingbird
import Logging
import NIOCore
import SireController
import SireMCPServer

/// The HTTP API over a controller, as a Hummingbird `Application` — a ServiceLifecycle
/// `Service`: run it in the controller's `ServiceGroup` (after the controller, so on SIGTERM it
/// stops accepting and drains its requests first). `MetricsSetup.bootstrap()` should have run.
///
/// Endpoints (SPEC §8); every error is `{"error":{"code","message"}}`:
/// - `GET /healthz` 200 while the process is up; `GET /readyz` 200 once the controller has
///   reconciled its branch head since it started, else 503 `not_ready`; `GET /metrics`
///   Prometheus text. These three and the hook need no token.
/// - `POST /v1/hooks/git`: GitHub (`X-Hub-Signature-256`), GitLab (`X-Gitlab-Token`) or generic
///   (`X-Sire-Signature: sha256=HMAC-SHA256(secret, body)`). 202 = a fetch and reconcile was
///   asked for; 204 = authentic but ignored (ping, not a push, another branch); 401 = missing or
///   wrong signature (nothing happens). Without any hook secret, unsigned hooks are accepted
///   from loopback clients only.
/// - `POST /v1/workflows/{id}/runs` (operator), body `{"inputs":{...}}` or empty;
///   `Idempotency-Key` header = one run per key. 201 started, 202 queued (or `?wait=` ran out),
///   200 the existing run of that key, 409 `concurrency_skipped` (a `skip` policy dropped it) or
///   `conflict` (no `on.http`), 422 `invalid` inputs, 404 unknown workflow. `?wait=30s` (at
///   most ``HTTPConfiguration/maxWait``) answers when the run has finished. The body is the run
///   with its steps; `Location` is `/v1/runs/{id}`.
/// - `GET /v1/workflows`, `GET /v1/workflows/{id}` (viewer): deployment state.
/// - `GET /v1/runs?workflow=&status=&commit=&limit=&cursor=` (viewer): newest first,
///   `{"runs":[...],"next_cursor":...}` (null on the last page; limit 1–500, default 50).
/// - `GET /v1/runs/{id}` (viewer); `POST /v1/runs/{id}/cancel` (operator: 202, or 409 when
///   already finished); `POST /v1/runs/{id}/rerun?on=original|latest|REV` (operator, answers
///   like a trigger).
/// - `GET /v1/runs/{id}/events` (viewer): Server-Sent Events, resumable with `Last-Event-ID`.
/// - `GET /v1/commits/{rev}/status` (viewer): `sire-git status REV --json`; 404 unknown rev.
/// - `POST|GET|DELETE /mcp` (viewer; `run_workflow` and `cancel_run` need operator): the MCP
///   tools of `sire-git mcp` over Streamable HTTP, acting on this controller.
///
/// Auth: `Authorization: Bearer TOKEN`; viewer < operator < admin. 401 without or with a bad
/// token, 403 when its role is too low. With no token configured the API is open to clients
/// connecting from this machine only (loopback peers); others get 401. Every response carries
/// `X-Request-Id` (the client's, or a new one), which is also in every log line of the request.
package func buildApplication(
    controller: Controller, configuration: HTTPConfiguration, logger: Logger = Logger(label: "sire.http")
) -> Application<APIResponder> {
    var mcpLogger = logger
    mcpLogger[metadataKey: "component"] = "mcp"
    let sessions = HTTPSessions(
        toolbox: Toolbox(backend: ControllerBackend(controller: controller)), localOnly: configuration.tokens.isEmpty,
        logger: mcpLogger)
    let handlers = APIHandlers(
        controller: controller, configuration: configuration, readiness: Readiness(controller: controller),
        mcpSessions: sessions)
    let responder = APIResponder(routes: handlers.routes, configuration: configuration)
    let onListening = configuration.onListening
    let host = configuration.host
    if configuration.tokens.isEmpty && !configuration.isLoopback {
        logger.warning(
            "no API tokens configured: the API on \(host) answers only clients on this machine (use --tokens or SIRE_API_TOKENS)"
        )
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
