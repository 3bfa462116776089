import Foundation
import SireCore
import SireStore

/// Everything the index holds about one run, read back after (or during) its execution.
struct RunResult {
    let run: RunRecord
    /// Step rows (item -1) by step id.
    let steps: [String: StepRecord]
    /// Foreach item rows by step id, then item index.
    let items: [String: [Int: StepRecord]]
    /// Decoded outputs (inline or artifact) of step rows that have one.
    let outputs: [String: Value]
    let events: [EventRecord]

    init(runID: String, store: Store) throws {
        let loaded = try store.snapshot { tx -> (RunRecord?, [StepRecord], [String: Value], [EventRecord]) in
            let rows = try tx.steps(of: runID)
            var outputs: [String: Value] = [:]
            for row in rows where row.item < 0 {
                if let output = row.output { outputs[row.stepID] = try tx.value(of: output) }
            }
            return (try tx.run(runID), rows, outputs, try tx.events(of: runID))
        }
        guard let run = loaded.0 else { throw HarnessError("no run \(runID) in the index") }
        self.run = run
        var steps: [String: StepRecord] = [:]
        var items: [String: [Int: StepRecord]] = [:]
        for row in loaded.1 {
            if row.item < 0 { steps[row.stepID] = row } else { items[row.stepID, default: [:]][row.item] = row }
        }
        self.steps = steps
        self.items = items
        outputs = loaded.2
        events = loaded.3
    }

    func status(_ step: String) -> StepStatus? { steps[step]?.status }

    /// Events of `kind` (for `step` when given), oldest first.
    func events(_ kind: String, step: String? = nil) -> [EventRecord] {
        events.filter { $0.kind == kind && (step == nil || $0.stepID == step) }
    }
}

extension Value {
    /// The value at a dotted path (`stdout_json.items.0`): object members by name, array
    /// elements by index.
    func at(_ path: String) -> Value? {
        var current: Value? = self
        for part in path.split(separator: ".") {
            switch current {
            case .object(let members)?: current = members[String(part)]
            case .array(let items)?:
                guard let index = Int(part), items.indices.contains(index) else { return nil }
                current = items[index]
            default: return nil
            }
        }
        return current
    }

    var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var int: Int? {
        if case .int(let number) = self { return number }
        return nil
    }
}
