import Foundation
import SireCore
import SireTestSupport
import Testing

@Suite("http.request against a real HTTP peer")
struct HTTPRequestTests {
    @Test("a JSON response comes back parsed, with status and lowercased headers")
    func json() async throws {
        let peer = try await HTTPPeer.shared
        let output = try await callBuiltin(
            "http.request", .object(["url": .string(peer.url("/json"))]))
        #expect(output["status"] == .int(200))
        #expect(
            output["body"]
                == SireToolsTests.json(#"{"ok": true, "items": [1, 2, 3], "name": "peer"}"#))
        #expect(output["headers"]?["content-type"] == .string("application/json"))
    }

    @Test("a non-JSON response body is a string")
    func text() async throws {
        let peer = try await HTTPPeer.shared
        let output = try await callBuiltin(
            "http.request", .object(["url": .string(peer.url("/text"))]))
        #expect(output["body"] == .string("hello from the peer\n"))
    }

    @Test("method, headers, query and a JSON body are sent; the idempotency key goes along")
    func sendsEverything() async throws {
        let peer = try await HTTPPeer.shared
        let output = try await callBuiltin(
            "http.request",
            .object([
                "method": .string("patch"),
                "url": .string(peer.url("/echo?fixed=1")),
                "headers": SireToolsTests.json(#"{"X-Team": "data", "X-Count": 7}"#),
                "query": SireToolsTests.json(#"{"q": "a b&c", "tag": ["x", "y"], "skip": null}"#),
                "body": SireToolsTests.json(#"{"name": "report", "size": 3}"#),
            ]),
            attempt: 3)
        let echo = try #require(output["body"])
        #expect(echo["method"] == .string("PATCH"))
        #expect(echo["raw_query"] == .string("fixed=1&q=a%20b%26c&tag=x&tag=y"))
        #expect(echo["headers"]?["x-team"] == .string("data"))
        #expect(echo["headers"]?["x-count"] == .string("7"))
        #expect(echo["headers"]?["idempotency-key"] == .string("run-1/step-1/3"))
        #expect(echo["headers"]?["content-type"] == .string("application/json"))
        let sent = try Value.parseJSON(try #require(echo["body"]?.stringValue))
        #expect(sent == SireToolsTests.json(#"{"name": "report", "size": 3}"#))
    }

    @Test("a string body is sent as is, with the caller's content type")
    func stringBody() async throws {
        let peer = try await HTTPPeer.shared
        let output = try await callBuiltin(
            "http.request",
            .object([
                "method": .string("POST"), "url": .string(peer.url("/echo")),
                "headers": .object(["Content-Type": .string("text/csv")]),
                "body": .string("a,b\n1,2\n"),
            ]))
        #expect(output["body"]?["body"] == .string("a,b\n1,2\n"))
        #expect(output["body"]?["headers"]?["content-type"] == .string("text/csv"))
    }

    @Test(
        "status ≥ 400 fails the step: 429 and 5xx transient, other 4xx permanent, response attached",
        arguments: [
            (400, false), (404, false), (422, false), (429, true), (500, true), (503, true),
        ])
    func statusClasses(status: Int, transient: Bool) async throws {
        let peer = try await HTTPPeer.shared
        let error = try #require(
            await expectFailure(
                "http.request", .object(["url": .string(peer.url("/status/\(status)"))])))
        #expect(error.transient == transient)
        #expect(error.message.contains("returned \(status)"))
        #expect(error.output?["status"] == .int(status))
        #expect(error.output?["body"]?["status"] == .int(status))
    }

    @Test("with fail_on_status: false a 4xx/5xx is an ordinary output")
    func failOnStatusOff() async throws {
        let peer = try await HTTPPeer.shared
        let output = try await callBuiltin(
            "http.request",
            .object(["url": .string(peer.url("/status/503")), "fail_on_status": .bool(false)]))
        #expect(output["status"] == .int(503))
    }

    @Test(
        "a slow response times out as a transient failure",
        arguments: ["/slow?delay=30", "/slow-body?delay=30"])
    func timeout(path: String) async throws {
        let peer = try await HTTPPeer.shared
        let clock = ContinuousClock()
        let start = clock.now
        let error = try #require(
            await expectFailure(
                "http.request",
                .object(["url": .string(peer.url(path)), "timeout": .string("300ms")])))
        // The peer would take 30 s: far less means the 300 ms limit stopped the call.
        #expect(clock.now - start < .seconds(15))
        #expect(error.transient)
        #expect(error.message.contains("timed out after 300ms"))
    }

    @Test("a refused connection is a transient failure")
    func connectionRefused() async throws {
        // A bound port nobody listens on.
        let closed = try ClosedPort()
        defer { withExtendedLifetime(closed) {} }
        let port = closed.port
        let error = try #require(
            await expectFailure(
                "http.request", .object(["url": .string("http://127.0.0.1:\(port)/json")])))
        #expect(error.transient)
    }

    @Test("a response body over the cap is refused")
    func bodyCap() async throws {
        let peer = try await HTTPPeer.shared
        let error = try #require(
            await expectFailure(
                "http.request", .object(["url": .string(peer.url("/big?size=\(17 * 1024 * 1024)"))])
            ))
        #expect(error.message.contains("larger than 16 MiB"))
        #expect(!error.transient)
    }

    @Test(
        "bad params are permanent failures",
        arguments: [
            (#"{"url": "ftp://example.com/x"}"#, "must start with http:// or https://"),
            (#"{"url": "http://127.0.0.1/", "method": "GE T"}"#, "not an HTTP method"),
            (#"{"url": "http://127.0.0.1/", "headers": {"X": [1]}}"#, "'headers'"),
            (#"{"url": "http://127.0.0.1/", "timeout": "soon"}"#, "'timeout' is not a duration"),
            (#"{"uri": "http://127.0.0.1/"}"#, "unknown parameter 'uri'"),
        ])
    func badParams(params: String, expected: String) async throws {
        let error = try #require(await expectFailure("http.request", SireToolsTests.json(params)))
        #expect(error.message.contains(expected), "\(error.message)")
        #expect(!error.transient)
    }

    @Test("connections are reused across calls")
    func connectionReuse() async throws {
        // A peer of its own, so only this test's connections are counted.
        let peer = try await HTTPPeer()

        for _ in 0..<5 {
            _ = try await callBuiltin("http.request", .object(["url": .string(peer.url("/json"))]))
        }
        let stats = try await callBuiltin(
            "http.request", .object(["url": .string(peer.url("/stats"))]))
        #expect(stats["body"]?["connections"] == .int(1))
    }
}
