import Foundation
import SireController

/// Trigger throughput as history grows (issue 14): 10,000 in-process `on: http` triggers of a
/// no-op workflow from 20 concurrent callers, in rounds of 2,500, all pinned to one deployed
/// commit; each round's runs/s. Runs finish and are written to the ledger meanwhile.
enum HistoryBench {
    static func run(rounds: Int = 4, perRound: Int = 2_500, callers: Int = 20) async {
        let repository = NoopRepository("history")
        defer { repository.remove() }
        let api = await BenchAPI.start(repository: repository.path, state: repository.path + "/.git/sire")
        let controller = api.controller
        let clock = ContinuousClock()
        var rates: [Double] = []
        for round in 0..<rounds {
            let start = clock.now
            await withTaskGroup(of: Void.self) { group in
                for caller in 0..<callers {
                    group.addTask {
                        var index = caller
                        while index < perRound {
                            _ = try? await controller.triggerHTTP(
                                workflowID: "noop", inputs: [:], requestKey: "r\(round)-\(index)")
                            index += callers
                        }
                    }
                }
            }
            let seconds = milliseconds(clock.now - start) / 1000
            rates.append(Double(perRound) / seconds)
            print(
                String(
                    format: "  after %d runs: %.0f triggers/s", (round + 1) * perRound, Double(perRound) / seconds))
        }
        print(
            String(
                format: "history: last round %.0f%% of the first (target ≥ 85%%)",
                100 * (rates.last ?? 0) / (rates.first ?? 1)))
        await api.stop()
    }
}
