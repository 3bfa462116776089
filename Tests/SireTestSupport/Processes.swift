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
public func eventually(within limit: Duration = .seconds(30), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

/// The pid of a process that has exited and been reaped: a pid nothing runs under.
public func deadProcessID() throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/true")
    try process.run()
    process.waitUntilExit()
    return process.processIdentifier
}

extension SireBinary {
    /// Starts `sire-git ARGS` in `directory` without waiting (for tests that kill or cancel it).
    /// With `output`, standard output and error are appended to that file (to read its logs).
    public static func start(_ arguments: [String], in directory: String, output: String? = nil) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        if let output {
            if !FileManager.default.fileExists(atPath: output) {
                _ = FileManager.default.createFile(atPath: output, contents: nil)
            }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
            handle.seekToEndOfFile()
            process.standardOutput = handle
            process.standardError = handle
        } else {
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        return process
    }
}
