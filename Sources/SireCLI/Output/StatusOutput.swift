import Foundation
import SireController
import SireCore

/// Rendering of `status` and `log`: compact text for people, JSON for programs.
enum StatusOutput {
    // MARK: - status

    static func text(_ status: CommitStatus, now: Date) -> String {
        var out: [String] = []
        let commit = status.commit
        out.append("commit \(commit.short) \(commit.subject)" + (status.branch.map { " [\($0)]" } ?? ""))
        out.append("  \(commit.author) <\(commit.email)>  \(commit.date)  tree \(commit.tree.prefix(7))")
        if let reconcile = status.reconcile {
            var line = "  reconciled"
            if let at = reconcile.at { line += " \(at)" }
            var details = ["sire-git \(reconcile.toolVersion)"]
            if let base = reconcile.base { details.append("base \(base.prefix(7))") }
            out.append(line + " (" + details.joined(separator: ", ") + ")")
            if let reason = reconcile.refused { out.append("  ⊘ refused: \(reason)") }
        } else {
            out.append("  not reconciled: no controller record for this commit")
        }
        for (problem, what) in [
            (status.sourceProblem, "read its source"), (status.ledgerPushProblem, "push its ledger"),
        ] {
            guard let problem else { continue }
            let (since, reason) =
                problem.firstIndex(of: " ").map { (problem[..<$0], problem[$0...].dropFirst()) }
                ?? ("", Substring(problem))
            out.append("  ✗ the controller cannot \(what) since \(since): \(reason)")
        }
        if !status.configDiagnostics.isEmpty {
            out.append("")
            out.append("sire.yaml")
            for problem in status.configDiagnostics { out.append("    " + diagnostic(problem)) }
        }

        out.append("")
        if status.workflows.isEmpty {
            out.append("workflows: none")
        } else {
            out.append("workflows (\(status.workflows.count))")
            let idWidth = status.workflows.map(\.id.count).max() ?? 0
            let pathWidth = status.workflows.map(\.path.count).max() ?? 0
            for workflow in status.workflows {
                let columns = [
                    workflow.valid ? "✓" : "✗", pad(workflow.id, idWidth), pad(workflow.path, pathWidth),
                    String(workflow.blob.prefix(7)), deployment(workflow.deployment),
                ]
                out.append("  " + columns.joined(separator: "  "))
                for problem in workflow.diagnostics { out.append("      " + diagnostic(problem)) }
                for schedule in workflow.schedules { out.append("      " + self.schedule(schedule, now: now)) }
            }
        }
        if !status.retired.isEmpty { out.append("  retired: " + status.retired.joined(separator: ", ")) }

        out.append("")
        if status.runsTotal == 0 && status.runs.isEmpty {
            out.append("runs: none")
        } else {
            out.append(runsHeading(status))
            if status.runCounts.count > 1 && status.runsTotal > status.runs.count {
                let width = status.runCounts.keys.map(\.count).max() ?? 0
                for (workflow, counts) in status.runCounts.sorted(by: { $0.key < $1.key }) {
                    out.append("  " + pad(workflow, width) + "  " + tally(counts))
                }
            }
            let idWidth = status.runs.map(\.id.count).max() ?? 0
            let workflowWidth = status.runs.map(\.workflow.count).max() ?? 0
            let triggerWidth = status.runs.map { trigger($0.trigger).count }.max() ?? 0
            for run in status.runs {
                let columns = [
                    mark(run.status), pad(run.id, idWidth), pad(run.workflow, workflowWidth),
                    pad(trigger(run.trigger), triggerWidth), run.startedAt ?? run.finishedAt,
                    duration(milliseconds: run.durationMs),
                ]
                out.append("  " + columns.joined(separator: "  "))
                if let error = run.error { out.append("      error: \(error)") }
                for step in run.failedSteps {
                    let attempts = step.attempts > 1 ? " (\(step.attempts) attempts)" : ""
                    out.append("      step \(step.id): \(step.error ?? "failed")\(attempts)")
                }
            }
        }
        // Only a host with an index has anything here; printing nothing otherwise keeps the output
        // the same on every clone.
        if !status.inProgress.isEmpty {
            out.append("")
            out.append("in progress (local) (\(status.inProgress.count))")
            let idWidth = status.inProgress.map(\.id.count).max() ?? 0
            let workflowWidth = status.inProgress.map(\.workflow.count).max() ?? 0
            for run in status.inProgress {
                let columns = [
                    mark(run.status), pad(run.id, idWidth), pad(run.workflow, workflowWidth),
                    pad(run.status, 7), trigger(run.trigger), run.startedAt ?? run.createdAt,
                ]
                out.append("  " + columns.joined(separator: "  "))
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// `runs (3)`, or with more than are listed `runs (12,345: 12,300 ✓ 45 ✗; the newest 20)`.
    static func runsHeading(_ status: CommitStatus) -> String {
        guard status.runsTotal > status.runs.count else { return "runs (\(status.runs.count))" }
        var totals: [String: Int] = [:]
        for (status, count) in status.runCounts.values.joined() { totals[status, default: 0] += count }
        let newest = status.runs.isEmpty ? "" : "; the newest \(status.runs.count), --runs all for every one"
        return "runs (\(status.runsTotal): \(tally(totals))\(newest))"
    }

    /// `12 ✓ 1 ✗ 2 ■`, in that order, then any other status by name.
    static func tally(_ counts: [String: Int]) -> String {
        let order = ["succeeded", "failed", "cancelled"]
        let known = order.compactMap { status in counts[status].map { "\($0) \(mark(status))" } }
        let other = counts.filter { !order.contains($0.key) }.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
        return (known + other).joined(separator: " ")
    }

    static func deployment(_ deployment: CommitStatus.Deployment) -> String {
        switch deployment.state {
        case .applied: return "applied"
        case .notReconciled: return "not reconciled"
        case .refused: return "refused"
        case .attempted:
            guard let commit = deployment.appliedCommit else { return "attempted; no good version is running" }
            let blob = deployment.appliedBlob.map { " blob \($0.prefix(7))" } ?? ""
            return "attempted; last good \(commit.prefix(7))\(blob) keeps running"
        }
    }

    /// `path:line:col: message [rule]`, as validate prints it.
    static func diagnostic(_ problem: CommitStatus.Problem) -> String {
        let severity = problem.severity == "error" ? "" : "\(problem.severity): "
        return "\(problem.path):\(problem.line):\(problem.column): \(severity)\(problem.message) [\(problem.rule)]"
            .escapingControlCharacters
    }

    static func schedule(_ schedule: CommitStatus.Schedule, now: Date) -> String {
        let head = "schedule \"\(schedule.cron)\" \(schedule.timezone)"
        guard let next = schedule.next.first else { return head + ": never fires again" }
        let relative = RFC3339.parse(next).map { " (in \(span($0.timeIntervalSince(now))))" } ?? ""
        return head + ": next \(next)\(relative)"
    }

    static func trigger(_ trigger: RunNote.Trigger) -> String {
        // Long keys (full shas, request ids) would push every column right; JSON has them whole.
        trigger.key.isEmpty || trigger.key.count > 32 ? trigger.type : "\(trigger.type) \(trigger.key)"
    }

    static func mark(_ status: String) -> String {
        switch status {
        case "succeeded": "✓"
        case "failed": "✗"
        case "cancelled": "■"
        case "running": "▶"
        case "queued": "…"
        default: "?"
        }
    }

    /// `850ms`, `12.3s`, `4m05s`, `2h03m`.
    static func duration(milliseconds ms: Int) -> String {
        if ms < 1000 { return "\(ms)ms" }
        if ms < 60_000 { return String(format: "%.1fs", Double(ms) / 1000) }
        let seconds = ms / 1000
        if seconds < 3600 { return String(format: "%dm%02ds", seconds / 60, seconds % 60) }
        return String(format: "%dh%02dm", seconds / 3600, seconds / 60 % 60)
    }

    /// A time span to come, coarsely: `45s`, `12m`, `3h 4m`, `2d 5h`.
    static func span(_ interval: TimeInterval) -> String {
        let seconds = max(0, Int(interval.rounded(.up)))
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m" }
        if seconds < 86_400 { return "\(seconds / 3600)h \(seconds / 60 % 60)m" }
        return "\(seconds / 86_400)d \(seconds / 3600 % 24)h"
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    // MARK: - log

    static func log(_ summaries: [CommitSummary]) -> String {
        let checks = summaries.map(checkBadge)
        let runs = summaries.map(runsBadge)
        let checkWidth = checks.map(\.count).max() ?? 0
        let runsWidth = runs.map(\.count).max() ?? 0
        var out = ""
        for (i, summary) in summaries.enumerated() {
            var columns = [summary.commit.short, pad(checks[i], checkWidth)]
            if runsWidth > 0 { columns.append(pad(runs[i], runsWidth)) }
            columns.append(summary.commit.subject)
            out += columns.joined(separator: "  ") + "\n"
        }
        return out
    }

    static func checkBadge(_ summary: CommitSummary) -> String {
        switch summary.check {
        case .valid: "✓"
        case .invalid: "✗ \(summary.invalid) invalid"
        case .refused: "⊘ refused"
        case .none: "·"
        }
    }

    static func runsBadge(_ summary: CommitSummary) -> String {
        let parts = [("succeeded", "✓"), ("failed", "✗"), ("cancelled", "■")].compactMap { status, mark in
            summary.runs[status].map { "\($0)\(mark)" }
        }
        return parts.isEmpty ? "" : "runs " + parts.joined(separator: " ")
    }

    // MARK: - JSON

    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Plain structs of strings, numbers and arrays always encode.
        let data = (try? encoder.encode(value)) ?? Data("null".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
