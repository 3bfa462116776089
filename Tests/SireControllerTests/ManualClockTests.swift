import Foundation
import SireController
import SireTestSupport
import Testing

/// The test clock other suites rely on: sleepers wake when time reaches them.
@Suite("Manual clock") struct ManualClockTests {
    @Test("advance wakes exactly the sleepers whose deadline passed; a cancelled sleeper leaves none behind")
    func wakesInDeadlineOrder() async throws {
        let start = Date(timeIntervalSince1970: 1_000_000)
        let clock = ManualClock(start: start)
        let woken = Woken()
        var tasks: [Task<Void, Never>] = []
        for offset in [30.0, 10, 20, 40] {
            tasks.append(
                Task {
                    try? await clock.sleep(until: start + offset)
                    await woken.add(offset)
                })
        }
        #expect(await eventually { clock.sleeperCount == 4 })
        clock.advance(by: .seconds(30))
        #expect(clock.now() == start + 30)
        #expect(await eventually { await woken.offsets.count == 3 })
        #expect(clock.sleeperCount == 1)
        #expect(clock.nextDeadline == start + 40)

        // Already due: returns at once. Cancelled: throws and leaves no sleeper behind.
        try await clock.sleep(until: start + 5)
        tasks[3].cancel()
        await tasks[3].value
        #expect(clock.sleeperCount == 0)
        #expect(await woken.offsets.sorted() == [10, 20, 30, 40])
        clock.advance(to: start)
        #expect(clock.now() == start + 30, "time never moves backwards")
    }
}

actor Woken {
    var offsets: [Double] = []
    func add(_ offset: Double) { offsets.append(offset) }
}
