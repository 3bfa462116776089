import SireCore

/// Validation of a whole set of workflows (a revision, or files named on the command line).
public struct ValidationReport: Sendable, Hashable {
    public var config: RepoConfig
    /// Problems in `sire.yaml`.
    public var configDiagnostics: [Diagnostic]
    /// One report per workflow file, by path.
    public var files: [FileReport]

    /// Validates files together: each on its own, then across files (duplicate ids).
    ///
    /// When two files claim one id, the file in `incumbents` (id → path that held the id
    /// before, e.g. at the base of a change) keeps it; otherwise the first path does. Every
    /// other claimant gets a `duplicate-workflow-id` error.
    public init(
        files: [WorkflowFile], config: RepoConfig, configDiagnostics: [Diagnostic] = [],
        incumbents: [String: String] = [:]
    ) {
        self.config = config
        self.configDiagnostics = configDiagnostics
        var reports = files.sorted { $0.path < $1.path }.map { WorkflowValidator.validate($0, config: config) }
        var claimants: [String: [Int]] = [:]
        for (i, report) in reports.enumerated() {
            if let id = report.workflowID { claimants[id, default: []].append(i) }
        }
        for (id, indexes) in claimants where indexes.count > 1 {
            let owner = indexes.first { reports[$0].path == incumbents[id] } ?? indexes[0]
            for i in indexes where i != owner {
                reports[i].diagnostics.append(
                    Diagnostic(
                        rule: Rule.duplicateWorkflowID, path: reports[i].path, position: reports[i].idPosition,
                        message: "workflow id '\(id)' is already used by \(reports[owner].path)"))
                reports[i].workflow = nil
            }
        }
        self.files = reports
    }

    /// The file that owns each workflow id (duplicates that lost the id are left out).
    public var owners: [String: String] {
        var out: [String: String] = [:]
        for file in files where !file.diagnostics.contains(where: { $0.rule == Rule.duplicateWorkflowID }) {
            if let id = file.workflowID { out[id] = file.path }
        }
        return out
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
