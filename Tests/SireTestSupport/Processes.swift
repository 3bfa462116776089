import Foundation

/// Whether a process is still running: absent, or a zombie waiting to be reaped, counts as gone.
public func isRunning(_ pid: Int32) -> Bool {
    guard kill(pid, 0) == 0 else { return errno != ESRCH }
    // A killed orphan stays a zombie until its new parent reaps it; it runs nothing.
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return false }
    let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
    return state != "Z" && state != "X"
}

/// Waits until `condition` holds or `limit` passes; returns whether it held. A wait, not a
/// performance claim: a generous limit only delays the report of a real failure.
///
/// It checks again after 5 ms, then backs off to every 100 ms: conditions that start a process
/// (git, sire-git) must not keep a core busy while tests run in parallel.
public func eventually(
    within limit: Duration = .seconds(30), _ condition: () async throws -> Bool
) async rethrows -> Bool {
    try await eventually(within: limit) { try await condition() ? true : nil } ?? false
}

/// Polls `produce` until it gives a value or `limit` passes (then nil), backing off as
/// `eventually(within:_:)` does.
public func eventually<T>(
    within limit: Duration = .seconds(30), _ produce: () async throws -> T?
) async rethrows -> T? {
    let deadline = ContinuousClock.now + limit
    var interval = Duration.milliseconds(5)
    while ContinuousClock.now < deadline {
        if let value = try await produce() { return value }
        try? await Task.sleep(for: interval)
        interval = min(interval * 2, .milliseconds(100))
    }
    return try await produce()
}

/// The pid of a process that has exited and been reaped: a pid nothing runs under.
public func deadProcessID() async throws -> Int32 {
    let process = try await ChildProcess("/bin/true", [])
    await process.exit()
    return process.pid
}
