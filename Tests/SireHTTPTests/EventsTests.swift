import AsyncHTTPClient
import Foundation
import NIOCore
import SireCore
import Testing

@testable import SireHTTP

@Suite("GET /v1/runs/{id}/events (Server-Sent Events)")
struct EventsTests {
    struct Received: Equatable {
        var id: Int
        var kind: String
        var data: String
    }

    /// Reads a whole event stream; `onEvent` sees each event as it arrives.
    static func read(
        _ api: APIFixture, run: String, lastEventID: String? = nil, onEvent: (Received) throws -> Void = { _ in }
    ) async throws -> (status: Int, contentType: String?, events: [Received]) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(api.port)/v1/runs/\(run)/events")
        if let lastEventID { request.headers.add(name: "Last-Event-ID", value: lastEventID) }
        let response = try await APIFixture.client.execute(request, timeout: .seconds(20))
        var pending = ""
        var events: [Received] = []
        for try await buffer in response.body {
            pending += String(buffer: buffer)
            while let end = pending.range(of: "\n\n") {
                let frame = pending[..<end.lowerBound]
                pending = String(pending[end.upperBound...])
                var id: Int?
                var kind = "message"
                var data = ""
                for line in frame.split(separator: "\n") {
                    if line.hasPrefix("id: ") { id = Int(line.dropFirst(4)) }
                    if line.hasPrefix("event: ") { kind = String(line.dropFirst(7)) }
                    if line.hasPrefix("data: ") { data = String(line.dropFirst(6)) }
                }
                guard let id else { continue }  // retry: and keep-alive comments
                let event = Received(id: id, kind: kind, data: data)
                try onEvent(event)
                events.append(event)
            }
        }
        return (Int(response.status.code), response.headers["Content-Type"].first, events)
    }

    @Test("events arrive while the run executes, in order, and the stream closes after run.finished")
    func liveStream() async throws {
        let api = try await APIFixture(files: ["workflows/slow.yaml": Workflows.slow])
        let started = try await api.request(.POST, "/v1/workflows/slow/runs")
        let id = try #require(started.string("id"))
        let store = api.controller.runtime.store
        var beforeEnd = 0
        let (status, contentType, events) = try await Self.read(api, run: id) { _ in
            if try store.snapshot({ tx in try tx.run(id) })?.status.isFinished == false { beforeEnd += 1 }
        }
        #expect(status == 200)
        #expect(contentType?.hasPrefix("text/event-stream") == true)
        #expect(beforeEnd >= 3, "events must arrive before the run ends, got \(beforeEnd) of \(events.count)")
        #expect(events.map(\.id) == events.map(\.id).sorted())
        #expect(Set(events.map(\.id)).count == events.count)
        #expect(events.last?.kind == "run.finished")
        #expect(events.first?.kind == "run.started" || events.first?.kind == "run.queued")
        let kinds = events.map(\.kind)
        #expect(kinds.filter { $0 == "step.started" }.count == 4)
        #expect(kinds.filter { $0 == "step.succeeded" }.count == 4)
        let logs = events.filter { $0.kind == "log" }.map(\.data)
        #expect(logs.contains { $0.contains("first line") }, "log.write line")
        #expect(logs.contains { $0.contains("from-shell") && $0.contains("stdout") }, "shell.run output")
        // Step order: nap finishes before shout starts (they depend on each other).
        let napDone = try #require(
            events.firstIndex { $0.kind == "step.succeeded" && $0.data.contains(#""step":"nap""#) })
        let shoutStart = try #require(
            events.firstIndex { $0.kind == "step.started" && $0.data.contains(#""step":"shout""#) })
        #expect(napDone < shoutStart)

        // A finished run replays the same history and closes; Last-Event-ID resumes after it.
        let replay = try await Self.read(api, run: id)
        #expect(replay.events == events)
        let cut = events[2].id
        let resumed = try await Self.read(api, run: id, lastEventID: String(cut))
        #expect(resumed.events == Array(events[3...]))
        await api.stop()
    }

    @Test("a client that reconnects mid-run with Last-Event-ID misses nothing and sees nothing twice")
    func resumeMidRun() async throws {
        let api = try await APIFixture(files: ["workflows/slow.yaml": Workflows.slow])
        let started = try await api.request(.POST, "/v1/workflows/slow/runs")
        let id = try #require(started.string("id"))
        // First connection: read until the first log line, then drop the connection.
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(api.port)/v1/runs/\(id)/events")
        request.headers.add(name: "Accept", value: "text/event-stream")
        let response = try await APIFixture.client.execute(request, timeout: .seconds(20))
        var text = ""
        for try await buffer in response.body {
            text += String(buffer: buffer)
            if text.contains("event: log") && text.hasSuffix("\n\n") { break }
        }
        let ids = text.split(separator: "\n").filter { $0.hasPrefix("id: ") }.compactMap { Int($0.dropFirst(4)) }
        let last = try #require(ids.last)
        let rest = try await Self.read(api, run: id, lastEventID: String(last))
        let full = try await Self.read(api, run: id)
        #expect(ids + rest.events.map(\.id) == full.events.map(\.id))
        let bad = try await api.request(.GET, "/v1/runs/\(id)/events", headers: [("Last-Event-ID", "abc")])
        #expect(bad.status == 400)
        let missing = try await api.request(.GET, "/v1/runs/nope/events")
        #expect(missing.status == 404)
        await api.stop()
    }
}

@Suite("Shutdown")
struct ShutdownTests {
    @Test("a graceful shutdown ends open event streams instead of waiting for their runs")
    func shutdownEndsStreams() async throws {
        let long = Workflows.single.replacingOccurrences(of: "duration: 2s", with: "duration: 300s")
        let api = try await APIFixture(files: ["workflows/single.yaml": long])
        let started = try await api.request(.POST, "/v1/workflows/single/runs")
        let id = try #require(started.string("id"))
        let port = api.port
        let reader = Task {
            let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/runs/\(id)/events")
            let response = try await APIFixture.client.execute(request, timeout: .seconds(20))
            var text = ""
            for try await buffer in response.body { text += String(buffer: buffer) }
            return text
        }
        try await Task.sleep(for: .milliseconds(200))
        let begin = ContinuousClock.now
        await api.stop()
        let text = try await reader.value
        #expect(ContinuousClock.now - begin < .seconds(120), "the 300 s run must not hold the shutdown")
        #expect(text.contains("event: step.started"))
        #expect(!text.contains("event: run.finished"))
    }
}
