import SireCore
import Synchronization

/// One output stream of a process: kept up to a byte limit, and sent to the log line by line
/// as it arrives.
///
/// One task feeds it; others may read `text` after it finishes (or after a timeout), hence
/// the lock.
final class OutputCapture: Sendable {
    /// Longest line sent to the log in one piece; a longer run without a newline is split.
    static let maximumLogLine = 64 * 1024

    private struct State {
        var kept: [UInt8] = []
        var dropped = 0
        var partial: [UInt8] = []
        var loggedTruncation = false
    }

    let stream: String
    let level: String
    let limit: Int
    private let log: ToolLog
    private let state = Mutex(State())

    init(stream: String, level: String, limit: Int, log: ToolLog) {
        self.stream = stream
        self.level = level
        self.limit = limit
        self.log = log
    }

    /// Takes the next bytes the process wrote, logging every line they complete.
    func consume(_ bytes: UnsafeRawBufferPointer) {
        let lines = state.withLock { state -> [ToolLogLine] in
            let room = max(0, limit - state.kept.count)
            let take = min(room, bytes.count)
            state.kept.append(contentsOf: bytes[..<take])
            state.dropped += bytes.count - take
            // Lines are logged only from the kept part, so a flood of output cannot flood the
            // run's events either.
            var lines: [ToolLogLine] = []
            for byte in bytes[..<take] {
                if byte == UInt8(ascii: "\n") {
                    lines.append(line(state.partial))
                    state.partial.removeAll(keepingCapacity: true)
                } else {
                    state.partial.append(byte)
                    if state.partial.count >= Self.maximumLogLine {
                        lines.append(line(state.partial, continues: true))
                        state.partial.removeAll(keepingCapacity: true)
                    }
                }
            }
            if state.dropped > 0, !state.loggedTruncation {
                state.loggedTruncation = true
                if !state.partial.isEmpty {
                    lines.append(line(state.partial))
                    state.partial.removeAll()
                }
                lines.append(
                    ToolLogLine(
                        level: "warning", message: "\(stream) truncated after \(limit) bytes",
                        stream: stream))
            }
            return lines
        }
        for line in lines { log(line) }
    }

    /// Logs what is left of an unterminated last line.
    func finish() {
        let last = state.withLock { state -> ToolLogLine? in
            guard !state.partial.isEmpty else { return nil }
            defer { state.partial.removeAll() }
            return line(state.partial)
        }
        if let last { log(last) }
    }

    /// Everything kept, with a marker when output was dropped.
    var text: String {
        state.withLock { state in
            let kept = String(decoding: state.kept, as: UTF8.self)
            guard state.dropped > 0 else { return kept }
            return kept + "\n[… \(state.dropped) more bytes truncated: max_output is \(limit)]"
        }
    }

    /// Whether output beyond the limit was dropped.
    var truncated: Bool { state.withLock { $0.dropped > 0 } }

    private func line(_ bytes: [UInt8], continues: Bool = false) -> ToolLogLine {
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasSuffix("\r") { text.removeLast() }
        return ToolLogLine(level: level, message: text, stream: stream, continues: continues)
    }
}
