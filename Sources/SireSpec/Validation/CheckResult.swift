import SireCore

/// What a change (base → head) does to a repository's workflows: the problems it introduces
/// and the deployments it would cause. The PR check's data, independent of output format.
public struct CheckResult: Sendable {
    /// Errors and warnings at head that are in changed files or did not exist at base.
    public var newProblems: [Diagnostic]
    /// Problems at head that were already there at base in unchanged files (not failing).
    public var preexistingProblems: [Diagnostic]
    public var changes: [WorkflowChange]

    /// Compares validations of base and head; `changedPaths` are the paths the diff touches.
    public init(base: ValidationReport, head: ValidationReport, changedPaths: Set<String>) {
        func key(_ d: Diagnostic) -> String { "\(d.path)\u{0}\(d.rule)\u{0}\(d.message)" }
        let baseKeys = Set(base.diagnostics.map(key))
        var fresh: [Diagnostic] = []
        var old: [Diagnostic] = []
        for d in head.diagnostics {
            if changedPaths.contains(d.path) || !baseKeys.contains(key(d)) { fresh.append(d) } else { old.append(d) }
        }
        let baseCount = base.files.count
        if baseCount > 0, head.files.isEmpty, !head.config.allowEmpty {
            fresh.append(
                Diagnostic(
                    rule: Rule.emptyWorkflowSet, path: RepoConfig.fileName,
                    position: SourcePosition(line: 1, column: 1),
                    message: "this change removes every workflow (\(baseCount) at base); the controller refuses "
                        + "such a commit unless sire.yaml sets allow_empty: true"))
        }
        newProblems = fresh.sorted(by: Diagnostic.ordered)
        preexistingProblems = old
        changes = Self.changes(base: base, head: head)
    }

    public var newErrorCount: Int { newProblems.count { $0.severity == .error } }

    private static func changes(base: ValidationReport, head: ValidationReport) -> [WorkflowChange] {
        // Compare each id's owning file; a file that lost a duplicate id shows as a problem.
        func byID(_ report: ValidationReport) -> [String: FileReport] {
            let files = Dictionary(uniqueKeysWithValues: report.files.map { ($0.path, $0) })
            return report.owners.compactMapValues { files[$0] }
        }
        let baseByID = byID(base), headByID = byID(head)
        var out: [WorkflowChange] = []
        for id in Set(baseByID.keys).union(headByID.keys).sorted() {
            let before = baseByID[id], after = headByID[id]
            let kind: WorkflowChange.Kind
            switch (before, after) {
            case (nil, _?): kind = .added
            case (_?, nil): kind = .removed
            case (let b?, let a?):
                if b.blob == a.blob, b.path == a.path, b.blob != nil { continue }
                kind = .modified
            case (nil, nil): continue
            }
            var change = WorkflowChange(
                kind: kind, id: id, path: after?.path ?? before!.path, oldPath: before?.path,
                valid: after?.isValid ?? true)
            let oldWorkflow = before?.workflow
            let newWorkflow = after?.workflow
            // An invalid head version is not deployed: its triggers do not change anything.
            if kind == .removed || newWorkflow != nil {
                let oldSchedules = oldWorkflow?.triggers.schedules ?? []
                let newSchedules = newWorkflow?.triggers.schedules ?? []
                change.schedulesAdded = newSchedules.filter { !oldSchedules.contains($0) }
                change.schedulesRemoved = oldSchedules.filter { !newSchedules.contains($0) }
                let oldPush = oldWorkflow?.triggers.push, newPush = newWorkflow?.triggers.push
                if oldPush != newPush { change.push = (oldPush, newPush) }
                let oldHTTP = oldWorkflow?.triggers.http ?? false, newHTTP = newWorkflow?.triggers.http ?? false
                if oldHTTP != newHTTP { change.http = (oldHTTP, newHTTP) }
                change.secretsAdded = (newWorkflow?.secretNames ?? []).subtracting(oldWorkflow?.secretNames ?? [])
                    .sorted()
            }
            out.append(change)
        }
        return out
    }
}

/// One workflow added, removed or modified by a change.
public struct WorkflowChange: Sendable {
    public enum Kind: String, Sendable {
        case added, removed, modified
    }

    public var kind: Kind
    public var id: String
    public var path: String
    public var oldPath: String?
    /// False when the head version has errors (it will not be deployed; the last good keeps running).
    public var valid: Bool
    public var schedulesAdded: [ScheduleTrigger] = []
    public var schedulesRemoved: [ScheduleTrigger] = []
    /// Push trigger before and after, when it changed.
    public var push: (before: PushTrigger?, after: PushTrigger?)?
    /// HTTP trigger before and after, when it changed.
    public var http: (before: Bool, after: Bool)?
    /// Secrets the new version names that the old one did not (it will be given them).
    public var secretsAdded: [String] = []
}
