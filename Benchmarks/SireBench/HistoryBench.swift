import AsyncHTTPClient
import Foundation
import NIOCore
import SireController

/// Trigger throughput as history grows (issue 14): 10,000 `on: http` triggers of a no-op
/// workflow, all pinned to one deployed commit, in rounds of 2,500; each round's runs/s. Runs
/// finish and are written to the ledger meanwhile. Measured in process (20 callers of
/// `triggerHTTP`) and over the HTTP API (20 connections), each on a fresh repository.
enum HistoryBench {
    static func run(rounds: Int = 4, perRound: Int = 2_500, callers: Int = 20) async {
        print("history, in process (\(callers) callers):")
        await measure(rounds: rounds, perRound: perRound) { controller, _, round in
            await spread(perRound, over: callers) { index in
                _ = try? await controller.triggerHTTP(workflowID: "noop", inputs: [:], requestKey: "r\(round)-\(index)")
            }
        }
        print("history, over HTTP (\(callers) connections):")
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: callers)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        await measure(rounds: rounds, perRound: perRound) { _, port, round in
            await spread(perRound, over: callers) { index in
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/workflows/noop/runs")
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/json")
                request.headers.add(name: "Idempotency-Key", value: "r\(round)-\(index)")
                request.body = .bytes(ByteBuffer(string: #"{"inputs":{}}"#))
                if let response = try? await client.execute(request, timeout: .seconds(30)) {
                    _ = try? await response.body.collect(upTo: 1 << 20)
                }
            }
        }
        try? await client.shutdown()
    }

    /// Calls `work` for 0..<count from `callers` concurrent tasks, each taking every
    /// `callers`-th index.
    private static func spread(_ count: Int, over callers: Int, _ work: @escaping @Sendable (Int) async -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            for caller in 0..<callers {
                group.addTask {
                    for index in stride(from: caller, to: count, by: callers) { await work(index) }
                }
            }
        }
    }

    private static func measure(
        rounds: Int, perRound: Int, _ round: (Controller, Int, Int) async -> Void
    ) async {
        let repository = NoopRepository("history")
        defer { repository.remove() }
        let api = await BenchAPI.start(repository: repository.path, state: repository.path + "/.git/sire")
        let clock = ContinuousClock()
        var rates: [Double] = []
        for index in 0..<rounds {
            let start = clock.now
            await round(api.controller, api.port, index)
            let rate = Double(perRound) / (milliseconds(clock.now - start) / 1000)
            rates.append(rate)
            print(String(format: "  after %d runs: %.0f triggers/s", (index + 1) * perRound, rate))
        }
        print(
            String(
                format: "  last round %.0f%% of the first (target ≥ 85%%)", 100 * (rates.last ?? 0) / (rates.first ?? 1)
            ))
        await api.stop()
    }
}
