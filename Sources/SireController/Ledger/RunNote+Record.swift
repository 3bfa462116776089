import Foundation
import SireCore
import SireStore

extension RunNote {
    /// The ledger record of a finished run, from its index rows.
    ///
    /// Deterministic: the same rows always give the same line, so a record rewritten after a
    /// crash merges into the existing one (notes are a union of lines). Times are RFC 3339 UTC
    /// with milliseconds; steps are keyed by step id, foreach items folded into their step's
    /// own row (its status, attempts and duration); errors are copied as stored, which the
    /// engine has already redacted.
    package static func make(run: RunRecord, steps: [StepRecord], secrets: Secrets = Secrets()) -> RunNote {
        let finished = run.finishedAt ?? run.startedAt ?? run.createdAt
        let start = run.startedAt ?? run.createdAt
        var note = RunNote(
            run: run.id, workflow: run.workflowID, path: run.path, blob: run.blob, commit: run.commit.sha,
            tree: run.commit.tree, trigger: Trigger(type: run.trigger.type, key: run.trigger.key),
            status: run.status.rawValue, started_at: run.startedAt.map(timestamp), finished_at: timestamp(finished),
            duration_ms: milliseconds(from: start, to: finished), steps: folded(steps), error: run.error,
            controller: run.controller, rerun_of: run.rerunOf)
        note.created_at = timestamp(run.createdAt)
        var inputs: [String: Value] = [:]
        var redacted = Set(run.redactedInputs)
        for (name, value) in run.inputs {
            let shown = secrets.redact(value)
            if shown != value { redacted.insert(name) }
            inputs[name] = redacted.contains(name) ? .string(Secrets.mask) : shown
        }
        note.inputs = inputs
        note.redacted_inputs = redacted.isEmpty ? nil : redacted.sorted()
        return note
    }

    /// One entry per step id: the step's own row (item -1) when there is one, else a summary
    /// of its items (a row set written by an older engine, or a partial import).
    private static func folded(_ rows: [StepRecord]) -> [String: Step] {
        var steps: [String: Step] = [:]
        for (id, group) in Dictionary(grouping: rows, by: \.stepID) {
            let items = group.filter { $0.item >= 0 }.sorted { $0.item < $1.item }
            if let row = group.first(where: { $0.item < 0 }) {
                steps[id] = Step(
                    status: row.status.rawValue, attempts: row.attempts,
                    duration_ms: row.durationMs ?? span(row.startedAt, row.finishedAt),
                    error: row.error ?? items.first { $0.error != nil }.flatMap(itemError))
            } else {
                let failed = items.first { $0.status == .failed }
                let starts = items.compactMap(\.startedAt), ends = items.compactMap(\.finishedAt)
                steps[id] = Step(
                    status: (failed ?? items.last)?.status.rawValue ?? StepStatus.pending.rawValue,
                    attempts: items.map(\.attempts).reduce(0, +),
                    duration_ms: span(starts.min(), ends.max()),
                    error: items.first { $0.error != nil }.flatMap(itemError))
            }
        }
        return steps
    }

    private static func itemError(_ row: StepRecord) -> String? {
        row.error.map { "item \(row.item): \($0)" }
    }

    private static func span(_ start: Date?, _ end: Date?) -> Int {
        guard let start, let end else { return 0 }
        return milliseconds(from: start, to: end)
    }

    static func milliseconds(from start: Date, to end: Date) -> Int {
        max(0, Int((end.timeIntervalSince(start) * 1000).rounded()))
    }

    /// RFC 3339 UTC with milliseconds, the ledger's one time format.
    package static func timestamp(_ date: Date) -> String {
        RFC3339.format(date, in: .utc, milliseconds: true)
    }
}
