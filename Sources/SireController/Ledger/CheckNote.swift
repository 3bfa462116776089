import Foundation

/// One reconcile's (or one `check --write-note`'s) record in `refs/notes/sire/checks` (SPEC §6).
///
/// A controller's record is self-contained for per-commit status: `workflows` holds every
/// workflow validated at this commit (the ones whose file changed since `base`, or all of them
/// on a first reconcile or a `sire.yaml` change) plus every workflow that is still invalid, each
/// invalid one with the last good version that keeps running (`applied_commit`/`applied_blob`).
/// Any other workflow in the commit's tree is applied at its version there, unless `refused`.
package struct CheckNote: Codable, Sendable, Hashable {
    package struct Problem: Codable, Sendable, Hashable {
        package var rule: String
        package var severity: String
        package var path: String
        package var line: Int
        package var column: Int
        package var message: String

        package init(rule: String, severity: String, path: String, line: Int, column: Int, message: String) {
            self.rule = rule
            self.severity = severity
            self.path = path
            self.line = line
            self.column = column
            self.message = message
        }
    }

    package struct WorkflowState: Codable, Sendable, Hashable {
        package var path: String
        package var blob: String
        package var valid: Bool
        package var diagnostics: [Problem]
        /// For an invalid version: the last good version that keeps running, if any.
        package var applied_commit: String?
        package var applied_blob: String?

        package init(
            path: String, blob: String, valid: Bool, diagnostics: [Problem], applied_commit: String? = nil,
            applied_blob: String? = nil
        ) {
            self.path = path
            self.blob = blob
            self.valid = valid
            self.diagnostics = diagnostics
            self.applied_commit = applied_commit
            self.applied_blob = applied_blob
        }
    }

    package var v: Int = 1
    package var kind: String = "check"
    package var commit: String
    package var tree: String
    package var workflows: [String: WorkflowState]
    package var tool_version: String
    /// `controller` for a reconcile, `check` for `sire-git check --write-note`.
    package var source: String?
    /// The previously reconciled commit this one was diffed against (nil on a first reconcile).
    package var base: String?
    /// Workflows whose file left the branch in this commit.
    package var retired: [String]?
    /// Why nothing of this commit was deployed (e.g. it removes every workflow), if so.
    package var refused: String?
    /// When it was recorded, RFC 3339 UTC.
    package var at: String?

    package init(
        commit: String, tree: String, workflows: [String: WorkflowState], tool_version: String,
        source: String? = nil, base: String? = nil, retired: [String]? = nil, refused: String? = nil,
        at: String? = nil
    ) {
        self.commit = commit
        self.tree = tree
        self.workflows = workflows
        self.tool_version = tool_version
        self.source = source
        self.base = base
        self.retired = retired
        self.refused = refused
        self.at = at
    }

    package func line() -> String { LedgerJSON.line(self) }

    package static func parse(_ line: String) -> CheckNote? {
        guard let note = LedgerJSON.decode(CheckNote.self, line), note.kind == "check" else { return nil }
        return note
    }
}
