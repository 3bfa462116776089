import AsyncHTTPClient
import Foundation
import SireCore
import Testing

@testable import SireHTTP

@Suite("POST /v1/workflows/{id}/runs")
struct TriggerTests {
    @Test("a valid trigger starts a run (201); ?wait= returns it finished, with its steps")
    func triggerAndWait() async throws {
        let api = try await APIFixture(files: ["workflows/greet.yaml": Workflows.greet])
        let started = try await api.request(.POST, "/v1/workflows/greet/runs", body: #"{"inputs":{"name":"ada"}}"#)
        #expect(started.status == 201)
        let id = try #require(started.string("id"))
        #expect(started.headers["Location"].first == "/v1/runs/\(id)")
        let waited = try await api.request(
            .POST, "/v1/workflows/greet/runs?wait=10s", body: #"{"inputs":{"name":"bob","times":2}}"#)
        #expect(waited.status == 201)
        #expect(waited.string("status") == "succeeded")
        guard case .object(let root)? = waited.json, case .object(let steps)? = root["steps"],
            case .object(let hello)? = steps["hello"], case .object(let inputs)? = root["inputs"]
        else {
            Issue.record("no steps in \(waited.text)")
            return
        }
        #expect(hello["status"] == .string("succeeded"))
        #expect(hello["attempts"] == .int(1))
        #expect(inputs["times"] == .int(2))
        #expect(try api.runCount(workflow: "greet") == 2)
        await api.stop()
    }

    @Test("when the wait runs out, the run comes back unfinished with 202")
    func waitRunsOut() async throws {
        let api = try await APIFixture(files: ["workflows/slow.yaml": Workflows.slow])
        let reply = try await api.request(.POST, "/v1/workflows/slow/runs?wait=100ms")
        #expect(reply.status == 202)
        #expect(reply.string("status") == "running" || reply.string("status") == "queued")
        let bad = try await api.request(.POST, "/v1/workflows/slow/runs?wait=soon")
        #expect(bad.status == 400)
        await api.stop()
    }

    @Test("inputs that do not fit the declared ones are 422 with every problem, and start nothing")
    func invalidInputs() async throws {
        let api = try await APIFixture(files: ["workflows/greet.yaml": Workflows.greet])
        let reply = try await api.request(
            .POST, "/v1/workflows/greet/runs", body: #"{"inputs":{"times":"many","extra":1}}"#)
        #expect(reply.status == 422)
        #expect(reply.errorCode == "invalid")
        #expect(reply.text.contains("name"))
        #expect(reply.text.contains("times"))
        #expect(try api.runCount() == 0)
        await api.stop()
    }

    @Test("bad bodies are 400 JSON errors", arguments: ["{not json", "[1,2]", #"{"name":"ada"}"#, #"{"inputs":[1]}"#])
    func badBodies(body: String) async throws {
        let api = try await APIFixture(files: ["workflows/greet.yaml": Workflows.greet])
        let reply = try await api.request(.POST, "/v1/workflows/greet/runs", body: body)
        #expect(reply.status == 400)
        #expect(reply.errorCode == "bad_request")
        #expect(try api.runCount() == 0)
        await api.stop()
    }

    @Test("unknown workflows are 404; workflows without an http trigger are 409")
    func notTriggerable() async throws {
        let api = try await APIFixture(files: ["workflows/scheduled.yaml": Workflows.scheduled])
        let missing = try await api.request(.POST, "/v1/workflows/nope/runs")
        #expect(missing.status == 404)
        #expect(missing.errorCode == "not_found")
        let noHTTP = try await api.request(.POST, "/v1/workflows/scheduled/runs")
        #expect(noHTTP.status == 409)
        #expect(noHTTP.errorCode == "conflict")
        await api.stop()
    }

    @Test("an Idempotency-Key makes a retried request yield the same run (200 the second time)")
    func idempotency() async throws {
        let api = try await APIFixture(files: ["workflows/greet.yaml": Workflows.greet])
        let body = #"{"inputs":{"name":"ada"}}"#
        let first = try await api.request(
            .POST, "/v1/workflows/greet/runs", body: body, headers: [("Idempotency-Key", "k1")])
        let again = try await api.request(
            .POST, "/v1/workflows/greet/runs", body: body, headers: [("Idempotency-Key", "k1")])
        #expect(first.status == 201)
        #expect(again.status == 200)
        #expect(first.string("id") == again.string("id"))
        #expect(try api.runCount() == 1)
        await api.stop()
    }

    @Test("a trigger dropped by a skip concurrency policy is 409 concurrency_skipped")
    func skipped() async throws {
        let api = try await APIFixture(files: ["workflows/single.yaml": Workflows.single])
        let first = try await api.request(.POST, "/v1/workflows/single/runs")
        #expect(first.status == 201)
        let second = try await api.request(.POST, "/v1/workflows/single/runs")
        #expect(second.status == 409)
        #expect(second.errorCode == "concurrency_skipped")
        #expect(try api.runCount() == 1)
        let id = try #require(first.string("id"))
        _ = try await api.request(.POST, "/v1/runs/\(id)/cancel")
        await api.stop()
    }

    @Test("a trigger that waits for a concurrency slot is 202 with a queued run")
    func queued() async throws {
        let queueing = Workflows.single.replacingOccurrences(of: "policy: skip", with: "policy: queue")
        let api = try await APIFixture(files: ["workflows/single.yaml": queueing])
        let first = try await api.request(.POST, "/v1/workflows/single/runs")
        #expect(first.status == 201)
        let second = try await api.request(.POST, "/v1/workflows/single/runs")
        #expect(second.status == 202)
        #expect(second.string("status") == "queued")
        for reply in [first, second] {
            if let id = reply.string("id") { _ = try await api.request(.POST, "/v1/runs/\(id)/cancel") }
        }
        await api.stop()
    }
}
