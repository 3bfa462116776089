import AsyncHTTPClient
import Foundation
import SireCore
import SireTestSupport
import Testing

@testable import SireHTTP

@Suite("Server basics: health, readiness, metrics, errors, request ids")
struct ServerBasicsTests {
    @Test("health and readiness answer 200 once the controller reconciled; metrics are Prometheus text")
    func healthReadyMetrics() async throws {
        let api = try await APIFixture(files: ["workflows/greet.yaml": Workflows.greet])
        let health = try await api.request(.GET, "/healthz")
        #expect(health.status == 200)
        let ready = try await api.request(.GET, "/readyz")
        #expect(ready.status == 200)
        _ = try await api.request(.GET, "/v1/runs/nope")
        let metrics = try await api.request(.GET, "/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.headers["Content-Type"].first?.hasPrefix("text/plain; version=0.0.4") == true)
        #expect(metrics.text.contains("# TYPE sire_http_requests_total counter"))
        #expect(metrics.text.contains(#"sire_http_requests_total{route="/v1/runs/{id}",method="GET",status="404"}"#))
        #expect(metrics.text.contains("# TYPE sire_http_request_duration_seconds histogram"))
        #expect(metrics.text.contains(#"sire_http_request_duration_seconds_bucket{route="/readyz",method="GET",le="#))
        await api.stop()
    }

    @Test("unknown routes are 404, wrong methods 405 with Allow, both as JSON errors")
    func routingErrors() async throws {
        let api = try await APIFixture(files: ["workflows/greet.yaml": Workflows.greet])
        let unknown = try await api.request(.GET, "/v2/nothing")
        #expect(unknown.status == 404)
        #expect(unknown.errorCode == "not_found")
        let wrong = try await api.request(.DELETE, "/v1/runs")
        #expect(wrong.status == 405)
        #expect(wrong.errorCode == "method_not_allowed")
        #expect(wrong.headers["Allow"].first == "GET")
        let wrongPost = try await api.request(.GET, "/v1/workflows/greet/runs")
        #expect(wrongPost.status == 405)
        #expect(wrongPost.headers["Allow"].first == "POST")
        await api.stop()
    }

    @Test("a client's X-Request-Id is echoed; without one, a new id is generated per request")
    func requestIDs() async throws {
        let api = try await APIFixture(files: ["workflows/greet.yaml": Workflows.greet])
        let echoed = try await api.request(.GET, "/healthz", headers: [("X-Request-Id", "abc-123")])
        #expect(echoed.headers["X-Request-Id"].first == "abc-123")
        let first = try await api.request(.GET, "/healthz")
        let second = try await api.request(.GET, "/v1/nothing")
        let a = try #require(first.headers["X-Request-Id"].first)
        let b = try #require(second.headers["X-Request-Id"].first)
        #expect(!a.isEmpty && a != b)
        let hostile = try await api.request(
            .GET, "/healthz", headers: [("X-Request-Id", String(repeating: "x", count: 500))])
        #expect(hostile.headers["X-Request-Id"].first?.count == 16)
        await api.stop()
    }

    @Test("a handler slower than the time limit is abandoned with 503 timeout")
    func timeout() async throws {
        let start = ContinuousClock.now
        await #expect(throws: APIError.self) {
            _ = try await APIResponder.withTimeout(.milliseconds(50)) {
                try await Task.sleep(for: .seconds(300))
                return .json(.null)
            }
        }
        // The handler would take 300 s: far less means it was abandoned.
        #expect(ContinuousClock.now - start < .seconds(120))
        let fast = try await APIResponder.withTimeout(.seconds(5)) { .json(.null, status: .created) }
        #expect(fast.status == .created)
    }

    @Test("a body over the limit is 413 and starts nothing")
    func limits() async throws {
        let api = try await APIFixture(files: ["workflows/greet.yaml": Workflows.greet]) { configuration in
            configuration.bodyLimit = 1024
        }
        let big = "{\"inputs\":{\"name\":\"" + String(repeating: "a", count: 4096) + "\"}}"
        let tooLarge = try await api.request(.POST, "/v1/workflows/greet/runs", body: big)
        #expect(tooLarge.status == 413)
        #expect(tooLarge.errorCode == "payload_too_large")
        #expect(try api.runCount() == 0)
        await api.stop()
    }

    @Test(
        "listen addresses parse; bad ones are refused",
        arguments: [
            ("127.0.0.1:7700", "127.0.0.1", 7700), (":8080", "127.0.0.1", 8080), ("9000", "127.0.0.1", 9000),
            ("0.0.0.0:80", "0.0.0.0", 80), ("[::1]:7700", "::1", 7700), ("localhost:1", "127.0.0.1", 1),
        ])
    func listen(text: String, host: String, port: Int) throws {
        var configuration = HTTPConfiguration()
        try configuration.listen(text)
        #expect(configuration.host == host)
        #expect(configuration.port == port)
    }

    @Test("bad listen addresses are refused", arguments: ["", "host:", "1.2.3.4:99999", "[::1]7700", "x:y"])
    func badListen(text: String) {
        var configuration = HTTPConfiguration()
        #expect(throws: HTTPConfigurationError.self) { try configuration.listen(text) }
    }
}

@Suite("a lost source")
struct LostSourceTests {
    @Test("a deleted branch makes the controller not ready and refuses triggers (503), said once in the log")
    func deletedBranch() async throws {
        let logs = LogCapture()
        let api = try await APIFixture(files: ["workflows/greet.yaml": Workflows.greet], logs: logs)
        let body = #"{"inputs":{"name":"x"}}"#
        #expect(try await api.request(.POST, "/v1/workflows/greet/runs", body: body).status == 201)

        try await api.git.git("checkout -q --detach")
        try await api.git.git("update-ref -d refs/heads/main")
        api.controller.poke()
        #expect(await eventually { (try? await api.request(.GET, "/readyz"))?.status == 503 })
        let ready = try await api.request(.GET, "/readyz")
        #expect(ready.text.contains("the tracked branch 'main' does not exist"), "\(ready.text)")
        let refused = try await api.request(.POST, "/v1/workflows/greet/runs", body: body)
        #expect(refused.status == 503, "\(refused.text)")
        #expect(try api.runCount() == 1)
        try await Task.sleep(for: .milliseconds(2500))  // two more retries
        let said = logs.all.filter { $0.contains("cannot reconcile the source") }
        #expect(said.count == 1, "\(said)")

        // Back: ready again, triggers work.
        try await api.git.git("checkout -q -b main")
        api.controller.poke()
        #expect(await eventually { (try? await api.request(.GET, "/readyz"))?.status == 200 })
        #expect(try await api.request(.POST, "/v1/workflows/greet/runs", body: body).status == 201)
        await api.stop()
    }
}
