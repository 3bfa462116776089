import Foundation

/// Whether a process is still running: absent, or a zombie waiting to be reaped, counts as gone.
func isRunning(_ pid: Int32) -> Bool {
    guard kill(pid, 0) == 0 else { return errno != ESRCH }
    // A killed orphan stays a zombie until its new parent reaps it; it runs nothing.
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return false }
    let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
    return state != "Z" && state != "X"
}

/// Polls `condition` every 10 ms until it holds or `limit` passes; returns whether it held.
func eventually(within limit: Duration = .seconds(30), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}
