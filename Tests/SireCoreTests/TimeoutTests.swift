import SireCore
import Synchronization
import Testing

@Suite("withTimeout: the one time-limit race")
struct TimeoutTests {
    @Test("work that ends first gives its value; no limit just runs it")
    func finishesFirst() async {
        let (value, timedOut) = await withTimeout(.seconds(5)) { 42 }
        #expect(value == 42 && !timedOut)
        let (unlimited, never) = await withTimeout(nil) { "done" }
        #expect(unlimited == "done" && !never)
    }

    @Test("at the limit the work is cancelled and awaited before withTimeout returns")
    func limitCancelsAndAwaits() async {
        let cleanedUp = Mutex(false)
        let clock = ContinuousClock()
        let start = clock.now
        let (answer, timedOut) = await withTimeout(.milliseconds(50)) { () async -> String in
            do {
                try await Task.sleep(for: .seconds(30))
                return "slept"
            } catch {
                // Cleaning up takes a while; withTimeout must wait for it.
                try? await Task.sleep(for: .milliseconds(1))
                cleanedUp.withLock { $0 = true }
                return "cancelled"
            }
        }
        #expect(timedOut)
        #expect(answer == "cancelled")
        #expect(cleanedUp.withLock { $0 })
        #expect(clock.now - start < .seconds(10))
    }

    @Test("cancelling the caller cancels the work, which answers for itself")
    func callerCancelled() async {
        let task = Task {
            await withTimeout(.seconds(30)) { () async -> String in
                do {
                    try await Task.sleep(for: .seconds(30))
                    return "slept"
                } catch {
                    return "stopped"
                }
            }
        }
        task.cancel()
        let (answer, timedOut) = await task.value
        #expect(answer == "stopped" && !timedOut)
    }
}
