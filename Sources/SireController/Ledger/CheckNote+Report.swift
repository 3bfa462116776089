import Foundation
import SireCore
import SireGit
import SireSpec

extension CheckNote {
    /// A check record listing every workflow validated in `report` at `commit`, keyed by
    /// workflow id (by path when two files claim one id), with its blob, validity and
    /// diagnostics.
    package static func validated(
        _ report: ValidationReport, commit: CommitInfo, toolVersion: String, source: String,
        base: String? = nil, at date: Date = Date()
    ) -> CheckNote {
        var workflows: [String: WorkflowState] = [:]
        for file in report.files {
            var key = file.workflowID ?? file.path
            if workflows[key] != nil { key = file.path }
            workflows[key] = WorkflowState(
                path: file.path, blob: file.blob ?? "", valid: file.isValid,
                diagnostics: file.diagnostics.map(Problem.init))
        }
        return CheckNote(
            commit: commit.id.description, tree: commit.tree.description, workflows: workflows,
            tool_version: toolVersion, source: source, base: base, at: RunNote.timestamp(date))
    }
}

extension CheckNote.Problem {
    /// The record form of a diagnostic.
    package init(_ diagnostic: Diagnostic) {
        self.init(
            rule: diagnostic.rule, severity: diagnostic.severity.rawValue, path: diagnostic.path,
            line: diagnostic.line, column: diagnostic.column, message: diagnostic.message)
    }
}
