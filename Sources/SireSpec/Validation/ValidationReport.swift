import SireCore

/// Validation of a whole set of workflows (a revision, or files named on the command line).
public struct ValidationReport: Sendable, Hashable {
    public var config: RepoConfig
    /// Problems in `sire.yaml`.
    public var configDiagnostics: [Diagnostic]
    /// One report per workflow file, by path.
    public var files: [FileReport]

    /// Validates files together: each on its own, then across files (duplicate ids).
    public init(files: [WorkflowFile], config: RepoConfig, configDiagnostics: [Diagnostic] = []) {
        self.config = config
        self.configDiagnostics = configDiagnostics
        var reports = files.sorted { $0.path < $1.path }.map { WorkflowValidator.validate($0, config: config) }
        var seen: [String: String] = [:]
        for i in reports.indices {
            guard let id = reports[i].workflowID else { continue }
            if let first = seen[id] {
                reports[i].diagnostics.append(
                    Diagnostic(
                        rule: Rule.duplicateWorkflowID, path: reports[i].path, position: reports[i].idPosition,
                        message: "workflow id '\(id)' is already used by \(first)"))
                reports[i].workflow = nil
            } else {
                seen[id] = reports[i].path
            }
        }
        self.files = reports
    }

    /// Every diagnostic, sorted by path and position.
    public var diagnostics: [Diagnostic] {
        (configDiagnostics + files.flatMap(\.diagnostics)).sorted(by: Diagnostic.ordered)
    }

    public var errorCount: Int { diagnostics.count { $0.severity == .error } }
    public var warningCount: Int { diagnostics.count { $0.severity == .warning } }

    /// The valid workflows by id.
    public var workflows: [String: (path: String, blob: String?, workflow: Workflow)] {
        var out: [String: (path: String, blob: String?, workflow: Workflow)] = [:]
        for file in files {
            if let workflow = file.workflow { out[workflow.id] = (file.path, file.blob, workflow) }
        }
        return out
    }
}
