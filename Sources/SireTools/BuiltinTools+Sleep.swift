import SireCore

extension BuiltinTools {
    /// `time.sleep {duration: "200ms" | seconds}` → `{slept_ms}`. Cancellation ends the sleep
    /// at once with a transient failure, so the engine can retry or move on.
    func sleep(_ call: ToolCall) async throws(ToolError) -> Value {
        let params = try ToolParameters(call.params, tool: "time.sleep", allowed: ["duration"])
        guard let duration = try params.duration("duration") else {
            throw params.missing("duration")
        }
        let clock = ContinuousClock()
        let start = clock.now
        do {
            try await Task.sleep(for: duration, clock: clock)
        } catch {
            let slept = milliseconds(clock.now - start)
            throw ToolError(
                "time.sleep: cancelled after \(slept) ms", transient: true,
                output: .object(["slept_ms": .int(slept)]))
        }
        return .object(["slept_ms": .int(milliseconds(clock.now - start))])
    }
}

/// Whole milliseconds in a duration, rounded down.
func milliseconds(_ duration: Duration) -> Int {
    let (seconds, attoseconds) = duration.components
    return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
}
