import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import SireController
import SireHTTP
import SireStore

/// The HTTP API under load (issue 5): 1,000 `POST /v1/workflows/{id}/runs` from 50 concurrent
/// connections on a no-op workflow — no errors, no lost or duplicated runs (counted in the index
/// afterwards) — then 1,000 `GET /v1/runs/{id}` the same way; requests/s and p50/p99 latency.
enum HTTPBench {
    static let total = 1_000
    static let connections = 50

    static func run() async {
        let repository = NoopRepository("http")
        defer { repository.remove() }
        let api = await BenchAPI.start(repository: repository.path, state: repository.path + "/.git/sire")
        let controller = api.controller
        let port = api.port

        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        let base = "http://127.0.0.1:\(port)"

        print("HTTP API (\(total) requests from \(connections) concurrent connections, debug logging off):")
        let (postStats, ids) = await load(client) { index in
            var request = HTTPClientRequest(url: base + "/v1/workflows/noop/runs")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "Idempotency-Key", value: "bench-\(index)")
            request.body = .bytes(ByteBuffer(string: #"{"inputs":{}}"#))
            return request
        } accept: {
            $0 == 201 || $0 == 202
        }
        report("POST /v1/workflows/noop/runs", postStats)
        let runs = try! controller.runtime.store.snapshot { tx in try tx.runs(workflow: "noop", limit: 100_000) }
        let keys = Set(runs.map(\.trigger.key))
        print(
            "  runs in the index: \(runs.count) (distinct request keys \(keys.count), distinct run ids "
                + "\(Set(ids).count)) — \(runs.count == total && keys.count == total ? "none lost or duplicated" : "MISMATCH")"
        )

        // The same launches without HTTP, for the share of the time the API itself adds.
        let clock = ContinuousClock()
        let directStart = clock.now
        let direct = await withTaskGroup(of: [Double].self) { group in
            for worker in 0..<connections {
                group.addTask {
                    var out: [Double] = []
                    var index = worker
                    while index < total {
                        let begin = clock.now
                        _ = try? await controller.triggerHTTP(
                            workflowID: "noop", inputs: [:], requestKey: "direct-\(index)")
                        out.append(milliseconds(clock.now - begin))
                        index += connections
                    }
                    return out
                }
            }
            var all: [Double] = []
            for await part in group { all += part }
            return all.sorted()
        }
        report("  same, in process (no HTTP)", Stats(latencies: direct, elapsed: clock.now - directStart, errors: 0))

        let runIDs = runs.map(\.id)
        let (getStats, _) = await load(client) { index in
            HTTPClientRequest(url: base + "/v1/runs/" + runIDs[index % runIDs.count])
        } accept: {
            $0 == 200
        }
        report("GET /v1/runs/{id}", getStats)

        try? await client.shutdown()
        await api.stop()
    }

    struct Stats {
        var latencies: [Double]
        var elapsed: Duration
        var errors: Int
    }

    /// Sends `total` requests, `connections` at a time; returns the stats and the run ids seen.
    static func load(
        _ client: HTTPClient, _ make: @escaping @Sendable (Int) -> HTTPClientRequest,
        accept: @escaping @Sendable (UInt) -> Bool
    ) async -> (Stats, [String]) {
        let clock = ContinuousClock()
        let start = clock.now
        let results = await withTaskGroup(of: [(Double, Bool, String?)].self) { group in
            for worker in 0..<connections {
                group.addTask {
                    var out: [(Double, Bool, String?)] = []
                    var index = worker
                    while index < total {
                        let begin = clock.now
                        var ok = false
                        var id: String?
                        if let response = try? await client.execute(make(index), timeout: .seconds(30)),
                            let body = try? await response.body.collect(upTo: 1 << 20)
                        {
                            ok = accept(response.status.code)
                            let text = String(buffer: body)
                            if let range = text.range(of: #""id":""#) {
                                id = String(text[range.upperBound...].prefix { $0 != "\"" })
                            }
                        }
                        out.append((milliseconds(clock.now - begin), ok, id))
                        index += connections
                    }
                    return out
                }
            }
            var all: [(Double, Bool, String?)] = []
            for await part in group { all += part }
            return all
        }
        let stats = Stats(
            latencies: results.map(\.0).sorted(), elapsed: clock.now - start, errors: results.filter { !$0.1 }.count)
        return (stats, results.compactMap(\.2))
    }

    static func report(_ name: String, _ stats: Stats) {
        let seconds = milliseconds(stats.elapsed) / 1000
        print(
            "  " + name.padding(toLength: 30, withPad: " ", startingAt: 0)
                + String(
                    format: " %7.0f req/s   p50 %6.2f ms   p99 %6.2f ms   errors %d",
                    Double(stats.latencies.count) / seconds, percentile(stats.latencies, 0.5),
                    percentile(stats.latencies, 0.99), stats.errors))
    }
}
