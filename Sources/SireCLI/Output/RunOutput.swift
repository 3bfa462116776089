import Foundation
import SireCore
import SireEngine
import SireStore

/// Prints run events as they happen (`--watch`): one line per step transition and log line.
final class ProgressPrinter: RunObserver, @unchecked Sendable {
    // Safety: `lock` guards the writes so lines from concurrent steps never interleave.
    private let lock = NSLock()
    private let start = Date()

    func observe(_ event: EventRecord) {
        guard let line = Self.line(for: event) else { return }
        let elapsed = String(format: "%6.2fs", Date().timeIntervalSince(start))
        lock.lock()
        FileHandle.standardError.write(Data("\(elapsed)  \(line)\n".utf8))
        lock.unlock()
    }

    static func line(for event: EventRecord) -> String? {
        let step = event.stepID.map { id in event.item.map { "\(id)[\($0)]" } ?? id } ?? ""
        func field(_ name: String) -> String? {
            guard case .object(let data)? = event.data, let value = data[name] else { return nil }
            if case .string(let s) = value { return s }
            return value == .null ? nil : value.jsonString()
        }
        switch event.kind {
        case "run.started": return "run started"
        case "step.started": return "▶ \(step)" + ((event.attempt ?? 1) > 1 ? " (attempt \(event.attempt!))" : "")
        case "step.succeeded": return "✓ \(step)" + (field("duration_ms").map { " \($0)ms" } ?? "")
        case "step.cached": return "✓ \(step) (cached)"
        case "step.failed": return "✗ \(step): \(field("error") ?? "failed")"
        case "step.retrying":
            return
                "↻ \(step) attempt \(event.attempt ?? 1) failed: \(field("error") ?? "") — retrying in \(field("delay_ms") ?? "?")ms"
        case "step.skipped": return "- \(step) skipped: \(field("reason") ?? "")"
        case "step.cancelled": return "■ \(step) cancelled"
        case "log":
            let stream = field("stream").map { "\($0) " } ?? ""
            return "  \(step) \(stream)\(field("level") ?? "info"): \(field("message") ?? "")"
        case "run.finished": return "run \(field("status") ?? "finished")" + (field("error").map { ": \($0)" } ?? "")
        default: return nil
        }
    }
}

/// Text and JSON renderings of runs for `run`, `runs list` and `runs show`.
enum RunOutput {
    static func duration(_ run: RunRecord) -> String {
        guard let start = run.startedAt ?? Optional(run.createdAt), let end = run.finishedAt else { return "" }
        return format(milliseconds: Int(end.timeIntervalSince(start) * 1000))
    }

    static func format(milliseconds ms: Int) -> String {
        ms < 1000 ? "\(ms)ms" : String(format: "%.2fs", Double(ms) / 1000)
    }

    static func mark(_ status: StepStatus) -> String {
        switch status {
        case .succeeded: "✓"
        case .failed: "✗"
        case .skipped: "-"
        case .cancelled: "■"
        case .running: "▶"
        case .retrying: "↻"
        case .pending: "·"
        }
    }

    /// `run ID workflow@sha status in 1.2s` and one line per step.
    static func summary(_ run: RunRecord, steps: [StepRecord], order: [String]) -> String {
        var lines = [
            "run \(run.id) \(run.workflowID)@\(run.commit.sha.prefix(7)) \(run.status.rawValue)"
                + (run.finishedAt != nil ? " in \(duration(run))" : "")
        ]
        if let error = run.error { lines.append("  error: \(error)") }
        let main = steps.filter { $0.item < 0 }
        let byID = Dictionary(main.map { ($0.stepID, $0) }, uniquingKeysWith: { a, _ in a })
        let width = max(8, order.map(\.count).max() ?? 0)
        for id in order {
            guard let step = byID[id] else { continue }
            var line = "  \(mark(step.status)) \(id.padding(toLength: width, withPad: " ", startingAt: 0))"
            line += " \(step.status.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0))"
            if let ms = step.durationMs { line += " \(format(milliseconds: ms))" }
            if step.attempts > 1 { line += " (\(step.attempts) attempts)" }
            if let error = step.error, step.status != .succeeded { line += "  \(error)" }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
