import Foundation
import SireCore
import SireStore

/// The JSON shapes of the HTTP API and the MCP tools (snake_case keys, RFC 3339 UTC times with milliseconds). Runs
/// have the shape of `sire-git runs show --json`.
package enum APIJSON {

    package static func time(_ date: Date?) -> Value {
        date.map { .string(RFC3339.format($0, in: .utc, milliseconds: true)) } ?? .null
    }

    package static func optional(_ text: String?) -> Value { text.map(Value.string) ?? .null }

    /// A run; with `steps`, each step's status, attempts, duration, error, output and foreach items.
    package static func run(_ run: RunRecord, steps: [StepRecord]? = nil, outputs: [String: Value] = [:]) -> Value {
        var object: [String: Value] = [
            "id": .string(run.id), "workflow": .string(run.workflowID), "path": .string(run.path),
            "blob": .string(run.blob), "commit": .string(run.commit.sha), "tree": .string(run.commit.tree),
            "trigger": .object(["type": .string(run.trigger.type), "key": .string(run.trigger.key)]),
            "status": .string(run.status.rawValue), "inputs": .object(run.inputs),
            "created_at": time(run.createdAt), "started_at": time(run.startedAt), "finished_at": time(run.finishedAt),
            "error": optional(run.error), "rerun_of": optional(run.rerunOf),
            "cancel_requested": .bool(run.cancelRequested),
        ]
        if let start = run.startedAt, let end = run.finishedAt {
            object["duration_ms"] = .int(Int(end.timeIntervalSince(start) * 1000))
        }
        if let steps {
            var out: [String: Value] = [:]
            let items = Dictionary(grouping: steps.filter { $0.item >= 0 }, by: \.stepID)
            for step in steps where step.item < 0 {
                var s = self.step(step)
                if let output = outputs[step.stepID] { s["output"] = output }
                if let list = items[step.stepID] {
                    s["items"] = .array(list.sorted { $0.item < $1.item }.map { .object(self.step($0)) })
                }
                out[step.stepID] = .object(s)
            }
            object["steps"] = .object(out)
        }
        return .object(object)
    }

    private static func step(_ step: StepRecord) -> [String: Value] {
        var s: [String: Value] = [
            "status": .string(step.status.rawValue), "attempts": .int(step.attempts),
            "started_at": time(step.startedAt), "finished_at": time(step.finishedAt),
        ]
        if step.item >= 0 { s["item"] = .int(step.item) }
        if let ms = step.durationMs { s["duration_ms"] = .int(ms) }
        if let error = step.error { s["error"] = .string(error) }
        return s
    }

    /// A run with its steps and their decoded outputs, read in one snapshot.
    package static func runDetail(_ id: String, store: Store) throws -> Value? {
        try store.snapshot { tx in
            guard let run = try tx.run(id) else { return nil }
            let steps = try tx.steps(of: id)
            var outputs: [String: Value] = [:]
            for step in steps where step.item < 0 {
                if let output = step.output { outputs[step.stepID] = try tx.value(of: output) }
            }
            return self.run(run, steps: steps, outputs: outputs)
        }
    }

    /// One event of a run's log (also the `data:` of a Server-Sent Event).
    package static func event(_ event: EventRecord) -> Value {
        var object: [String: Value] = [
            "seq": .int(Int(event.seq)), "run": .string(event.runID), "at": time(event.at), "kind": .string(event.kind),
        ]
        if let s = event.stepID { object["step"] = .string(s) }
        if let i = event.item { object["item"] = .int(i) }
        if let a = event.attempt { object["attempt"] = .int(a) }
        if let d = event.data { object["data"] = d }
        return .object(object)
    }

    /// A workflow's deployment state: attempted and applied versions, validity and diagnostics,
    /// and, when deployed, its triggers, inputs and next schedule fire.
    package static func workflow(_ deployment: Deployment, live: LiveWorkflow?, nextFire: Date?) -> Value {
        let diagnostics = (try? Value.parseJSON(deployment.diagnostics)) ?? .array([])
        var object: [String: Value] = [
            "id": .string(deployment.workflowID),
            "path": .string(deployment.path),
            "valid": .bool(deployment.valid),
            "live": .bool(deployment.isLive),
            "diagnostics": diagnostics,
            "attempted": .object([
                "commit": .string(deployment.attemptedCommit), "blob": .string(deployment.attemptedBlob),
            ]),
            "applied": deployment.appliedBlob == nil
                ? .null
                : .object([
                    "commit": optional(deployment.appliedCommit), "blob": optional(deployment.appliedBlob),
                    "path": optional(deployment.appliedPath),
                ]),
            "retired_at": time(deployment.retiredAt),
            "updated_at": time(deployment.updatedAt),
        ]
        if let live {
            object.merge(definition(live.workflow)) { _, new in new }
            object["next_fire"] = time(nextFire)
        }
        return .object(object)
    }

    /// What a workflow definition declares: name, description, triggers, inputs, concurrency
    /// and its number of steps.
    package static func definition(_ workflow: Workflow) -> [String: Value] {
        [
            "name": optional(workflow.name),
            "description": optional(workflow.description),
            "triggers": .object([
                "http": .bool(workflow.triggers.http),
                "push": workflow.triggers.push.map { .object(["paths": .array($0.paths.map(Value.string))]) } ?? .null,
                "schedules": .array(
                    workflow.triggers.schedules.map { schedule in
                        .object([
                            "cron": .string(schedule.cron.description), "timezone": .string(schedule.timeZone),
                            "inputs": .object(schedule.inputs),
                        ])
                    }),
            ]),
            "inputs": .object(
                Dictionary(
                    uniqueKeysWithValues: workflow.inputs.map { input in
                        var spec: [String: Value] = [
                            "type": .string(input.kind.rawValue), "required": .bool(input.required),
                        ]
                        if let value = input.defaultValue { spec["default"] = value }
                        if let allowed = input.allowed { spec["enum"] = .array(allowed) }
                        if let description = input.description { spec["description"] = .string(description) }
                        return (input.name, .object(spec))
                    })),
            "concurrency": workflow.concurrency.map { policy in
                .object(["limit": policy.limit.map(Value.int) ?? .null, "policy": .string(policy.policy.rawValue)])
            } ?? .null,
            "steps": .int(workflow.steps.count),
        ]
    }
}
