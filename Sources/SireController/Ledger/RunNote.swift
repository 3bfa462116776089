import Foundation
import SireCore

/// One run's record in `refs/notes/sire/runs` (SPEC §6): one JSON line, immutable, attached to
/// the commit the run was pinned to. Encoded with sorted keys so the same run always gives the
/// same line (writing it twice after a crash leaves one line: notes are a union of lines).
package struct RunNote: Codable, Sendable, Hashable {
    package struct Trigger: Codable, Sendable, Hashable {
        package var type: String
        package var key: String

        package init(type: String, key: String) {
            self.type = type
            self.key = key
        }
    }

    package struct Step: Codable, Sendable, Hashable {
        package var status: String
        package var attempts: Int
        package var duration_ms: Int
        package var error: String?

        package init(status: String, attempts: Int, duration_ms: Int, error: String? = nil) {
            self.status = status
            self.attempts = attempts
            self.duration_ms = duration_ms
            self.error = error
        }
    }

    package var v: Int = 1
    package var kind: String = "run"
    package var run: String
    package var workflow: String
    package var path: String
    package var blob: String
    package var commit: String
    package var tree: String
    package var trigger: Trigger
    /// `succeeded`, `failed` or `cancelled`.
    package var status: String
    /// When the run was queued (RFC 3339 UTC, ms): not in SPEC §6's list, but `reindex` needs it
    /// to rebuild `runs list` exactly; readers that do not know it ignore it.
    package var created_at: String?
    /// RFC 3339 UTC with milliseconds.
    package var started_at: String?
    package var finished_at: String
    package var duration_ms: Int
    package var steps: [String: Step]
    package var error: String?
    /// Who ran it: `host:pid:random`.
    package var controller: String
    /// The run this one re-ran, when it is a rerun.
    package var rerun_of: String?
    /// The inputs the run had, secrets replaced by `***`, so a rerun in another clone (after
    /// `reindex`) uses the same ones.
    package var inputs: [String: Value]?
    /// Inputs whose values were redacted: a rerun must be given them again.
    package var redacted_inputs: [String]?

    package init(
        run: String, workflow: String, path: String, blob: String, commit: String, tree: String, trigger: Trigger,
        status: String, started_at: String?, finished_at: String, duration_ms: Int, steps: [String: Step],
        error: String? = nil, controller: String, rerun_of: String? = nil
    ) {
        self.run = run
        self.workflow = workflow
        self.path = path
        self.blob = blob
        self.commit = commit
        self.tree = tree
        self.trigger = trigger
        self.status = status
        self.started_at = started_at
        self.finished_at = finished_at
        self.duration_ms = duration_ms
        self.steps = steps
        self.error = error
        self.controller = controller
        self.rerun_of = rerun_of
    }

    /// The record as one JSON line (no newline), keys sorted.
    package func line() -> String { LedgerJSON.line(self) }

    /// Parses one note line; nil for blank lines, other kinds and lines this version cannot read.
    package static func parse(_ line: String) -> RunNote? {
        guard let note = LedgerJSON.decode(RunNote.self, line), note.kind == "run" else { return nil }
        return note
    }
}
