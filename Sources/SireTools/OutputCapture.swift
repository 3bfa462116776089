import SireCore
import Synchronization

/// One output stream of a process: kept up to a byte limit, and sent to the log line by line
/// as it arrives.
///
/// Secrets are redacted before the output is cut at the limit: a few bytes past it (one less
/// than the longest secret) are kept too, so a secret that starts before the cut is whole when
/// it is masked, and no prefix of it survives.
///
/// One task feeds it; others may read `text` after it finishes (or after a timeout), hence
/// the lock.
final class OutputCapture: Sendable {
    /// Longest line sent to the log in one piece; a longer run without a newline is split.
    static let maximumLogLine = 64 * 1024

    private struct State {
        var kept: [UInt8] = []
        /// Bytes just past the limit, for redaction only.
        var beyond: [UInt8] = []
        var dropped = 0
        var partial: [UInt8] = []
    }

    let stream: String
    let level: String
    let limit: Int
    private let log: ToolLog
    private let secrets: Secrets
    private let lookahead: Int
    private let state = Mutex(State())

    init(stream: String, level: String, limit: Int, log: ToolLog, secrets: Secrets = Secrets()) {
        self.stream = stream
        self.level = level
        self.limit = limit
        self.log = log
        self.secrets = secrets
        lookahead = max(0, (secrets.values.values.map(\.utf8.count).max() ?? 0) - 1)
    }

    /// Takes the next bytes the process wrote, logging every line they complete.
    func consume(_ bytes: UnsafeRawBufferPointer) {
        let lines = state.withLock { state -> [ToolLogLine] in
            let room = max(0, limit - state.kept.count)
            let take = min(room, bytes.count)
            state.kept.append(contentsOf: bytes[..<take])
            state.dropped += bytes.count - take
            let extra = min(lookahead - state.beyond.count, bytes.count - take)
            if extra > 0 { state.beyond.append(contentsOf: bytes[take..<(take + extra)]) }
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
            return lines
        }
        for line in lines { log(line) }
    }

    /// Logs what is left of an unterminated last line, and the truncation if there was one.
    /// A line cut by the limit is logged here, once the bytes past the limit that redaction
    /// needs have arrived.
    func finish() {
        let last = state.withLock { state -> [ToolLogLine] in
            defer { state.partial.removeAll() }
            guard state.dropped > 0 else { return state.partial.isEmpty ? [] : [line(state.partial)] }
            var lines: [ToolLogLine] = []
            if !state.partial.isEmpty {
                let redacted = secrets.redact(String(decoding: state.partial + state.beyond, as: UTF8.self))
                lines.append(line(Array(redacted.utf8.prefix(state.partial.count))))
            }
            lines.append(
                ToolLogLine(level: "warning", message: "\(stream) truncated after \(limit) bytes", stream: stream))
            return lines
        }
        for line in last { log(line) }
    }

    /// Everything kept, with a marker when output was dropped. Whole output is returned as the
    /// process wrote it (the engine redacts results, and `stdout_json` is parsed from it); cut
    /// output is redacted before the cut.
    var text: String {
        state.withLock { state in
            guard state.dropped > 0 else { return String(decoding: state.kept, as: UTF8.self) }
            let redacted = secrets.redact(String(decoding: state.kept + state.beyond, as: UTF8.self))
            let kept = String(decoding: redacted.utf8.prefix(limit), as: UTF8.self)
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
