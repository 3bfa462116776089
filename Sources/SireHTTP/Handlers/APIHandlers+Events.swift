import Hummingbird
import ServiceLifecycle
import SireController
import SireCore
import SireStore

extension APIHandlers {
    /// Events read from the index per poll; a longer backlog is sent in several batches.
    static let eventBatch = 500
    /// The shortest time between two reads of the index by one stream.
    static let shortestGap: Duration = .milliseconds(25)
    /// A comment line is sent after this much silence so proxies keep the stream open.
    static let keepAlive: Duration = .seconds(15)

    /// `GET /v1/runs/{id}/events`: the run's event log as Server-Sent Events (`id:` = the
    /// event's sequence number, `event:` = its kind, `data:` = the event as JSON). Starts after
    /// `Last-Event-ID` (or `?after=SEQ`), so a reconnecting client misses nothing; follows the
    /// index while the run is unfinished and closes after its `run.finished` event.
    @Sendable func events(_ call: APICall) async throws -> Response {
        let id = call.parameters["id"] ?? ""
        let store = controller.runtime.store
        guard try store.snapshot({ tx in try tx.run(id) }) != nil else {
            throw APIError.notFound("no run '\(id)'")
        }
        var start: Int64 = 0
        if let text = call.header("Last-Event-ID") ?? call.query["after"], !text.isEmpty {
            guard let seq = Int64(text), seq >= 0 else {
                throw APIError.badRequest("Last-Event-ID must be an event id (a number)")
            }
            start = seq
        }
        let first = start
        let interval = configuration.eventPollInterval
        let logger = call.logger
        logger.info("event stream opened", metadata: ["run.id": "\(id)", "after": "\(start)"])
        let body = ResponseBody { writer in
            var after = first
            var lastWrite = ContinuousClock.now
            try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
            while true {
                let generation = store.commitGeneration
                let readAt = ContinuousClock.now
                // Events and the run's state come from one snapshot: once it shows the run
                // finished, it also holds the run's last event (they are committed together).
                let (events, finished) = try store.snapshot { tx in
                    (
                        try tx.events(of: id, after: after, limit: Self.eventBatch),
                        try tx.run(id)?.status.isFinished ?? true
                    )
                }
                if let last = events.last {
                    var text = ""
                    for event in events {
                        text += "id: \(event.seq)\nevent: \(event.kind)\ndata: \(APIJSON.event(event).jsonString())\n\n"
                    }
                    try await writer.write(ByteBuffer(string: text))
                    after = last.seq
                    lastWrite = ContinuousClock.now
                }
                if events.count == Self.eventBatch { continue }
                if finished || Task.isCancelled || Task.isShuttingDownGracefully { break }
                if ContinuousClock.now - lastWrite >= Self.keepAlive {
                    try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    lastWrite = ContinuousClock.now
                }
                // Woken by the next commit of this process (reading at most every 25 ms, however
                // busy the index); `interval` bounds the wait for events another process writes.
                await store.waitForCommit(
                    after: generation, timeout: interval, earliest: readAt + Self.shortestGap)
                try Task.checkCancellation()
            }
            try await writer.finish(nil)
            logger.debug("event stream closed", metadata: ["run.id": "\(id)", "last": "\(after)"])
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache"],
            body: body)
    }
}
