import Foundation
import SireController
import SireCore
import SireStore

/// Cron firing lateness on the real clock: 1,000 seconds-level schedules fired into a real
/// (durable) store for about five seconds.
enum SchedulerBench {
    static func run() async {
        let count = 1000
        let seconds = 5.0
        let directory = NSTemporaryDirectory() + "sire-bench-scheduler-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try! Store(directory: directory)
        let scheduler = Scheduler(clock: SystemClock(), store: store)

        // Periods of 2 to 5 seconds with every offset, so each second carries a few hundred
        // ticks and the load is not all on even seconds.
        for i in 0..<count {
            let period = 2 + i % 4
            let offset = (i / 4) % period
            let trigger = ScheduleTrigger(cron: try! CronSchedule.parse("\(offset)/\(period) * * * * *"))
            await scheduler.set(ScheduleEntry(workflowID: "wf-\(i)", version: "v1", schedules: [trigger]))
        }
        let runner = Task { await scheduler.run() }
        // Fires nothing: answers each tick at once, as a controller whose runs start instantly.
        let consumer = Task { for await due in scheduler.dueTicks { due.done() } }
        try? await Task.sleep(for: .seconds(seconds))
        runner.cancel()
        await runner.value
        consumer.cancel()
        await consumer.value

        let samples = await scheduler.latenessSamples().map(milliseconds).sorted()
        guard !samples.isEmpty else {
            print("cron firing lateness across 1,000 schedules: no ticks fired")
            return
        }
        print(
            String(
                format:
                    "cron firing lateness across 1,000 schedules: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d ticks in %.0f s)   target p99 <= 50 ms",
                percentile(samples, 0.5), percentile(samples, 0.99), samples.last!, samples.count, seconds))
    }
}
