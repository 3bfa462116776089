import Foundation
import Logging
import SireCore
import SireGit
import SireSpec
import SireStore

/// Reconciles the tracked branch's head with the deployments in the index, by tree diff from
/// the last applied commit, so the cost follows the changed paths rather than the repository.
///
/// Per workflow (by id): a valid new version is applied at the commit; an invalid one is only
/// attempted (the last good version keeps running and the problems are recorded); a workflow
/// whose file left the branch is retired. A commit whose `sire.yaml` is invalid, or that
/// removes every workflow without `allow_empty`, is refused: nothing of it is deployed. Every
/// reconciled commit gets a record in `refs/notes/sire/checks`.
///
/// Blocking (libgit2 and the index's blocking API): call it off the cooperative pool, from one
/// task at a time.
package final class Reconciler: Sendable {
    /// Bookmark: the last commit reconciled (applied or refused).
    static let reconciledKey = "reconciled_commit"
    /// Bookmark: the last commit applied, the base of the next diff.
    static let appliedKey = "applied_commit"

    package let gitDirectory: String
    let store: Store
    let logger: Logger
    let author = (name: "sire-git", email: "sire-git@localhost")

    package init(gitDirectory: String, store: Store, logger: Logger = Logger(label: "sire.reconcile")) {
        self.gitDirectory = gitDirectory
        self.store = store
        self.logger = logger
    }

    /// The last commit reconciled, if any.
    package func reconciledCommit() throws -> ObjectID? {
        try store.snapshot { tx in try tx.controllerValue(Self.reconciledKey) }.flatMap(ObjectID.init)
    }

    /// Reconciles `head`; a commit already reconciled returns at once with `alreadyReconciled`.
    package func reconcile(head: ObjectID) throws -> ReconcileOutcome {
        let repository = try Repository(path: gitDirectory)
        let commit = try repository.commit(head)
        let (reconciled, appliedBase, deployments) = try store.snapshot { tx in
            (
                try tx.controllerValue(Self.reconciledKey), try tx.controllerValue(Self.appliedKey),
                try tx.deployments()
            )
        }
        if reconciled == head.description {
            return ReconcileOutcome(
                commit: commit, base: nil, applied: [], retired: [], invalid: [:], refused: nil, changedPaths: [],
                check: CheckNote(
                    commit: head.description, tree: commit.tree.description, workflows: [:],
                    tool_version: toolVersion),
                alreadyReconciled: true)
        }
        // A base that is gone (history rewritten and collected) means starting over from the tree.
        let base = appliedBase.flatMap(ObjectID.init).flatMap { id in (try? repository.commit(id)).map { _ in id } }

        let (config, configDiagnostics, _) = try WorkflowSet.loadConfig(repository: repository, commit: head)
        let configChanged =
            try base.map { base in
                try repository.file(at: RepoConfig.fileName, in: base)?.blob
                    != repository.file(at: RepoConfig.fileName, in: head)?.blob
            } ?? true
        let pathChanges = try base.map { try repository.diff(from: $0, to: head, detectRenames: false) } ?? []
        let changedPaths = Array(Set(pathChanges.flatMap { [$0.oldPath, $0.newPath].compactMap { $0 } })).sorted()

        // Which workflow files to validate, and which paths left.
        let live = deployments.filter { $0.retiredAt == nil }
        var changedFiles: [TreeFile] = []
        var goneOrChanged: Set<String> = []
        if configChanged {
            changedFiles = try repository.files(in: head, under: config.workflowDirectories)
                .filter { config.isWorkflowPath($0.path) }
            goneOrChanged = Set(live.map(\.path))
        } else {
            for change in pathChanges {
                if let old = change.oldPath { goneOrChanged.insert(old) }
                if let new = change.newPath, let blob = change.newBlob, change.status != .deleted,
                    config.isWorkflowPath(new)
                {
                    changedFiles.append(TreeFile(path: new, blob: blob, mode: change.newMode ?? .regular))
                    goneOrChanged.insert(new)
                }
            }
        }
        var files: [WorkflowFile] = []
        for file in changedFiles {
            files.append(
                WorkflowFile(path: file.path, blob: file.blob.description, bytes: try repository.blob(file.blob)))
        }
        let incumbents = Dictionary(live.map { ($0.workflowID, $0.path) }, uniquingKeysWith: { a, _ in a })
        var reports = ValidationReport(
            files: files, config: config, configDiagnostics: configDiagnostics, incumbents: incumbents
        ).files
        // A changed file may claim the id of an unchanged file elsewhere: the unchanged one keeps it.
        var duplicates: Set<Int> = []
        for (i, report) in reports.enumerated() {
            guard let id = report.workflowID, let holder = incumbents[id], holder != report.path,
                !goneOrChanged.contains(holder)
            else { continue }
            reports[i].diagnostics.append(
                Diagnostic(
                    rule: Rule.duplicateWorkflowID, path: report.path, position: report.idPosition,
                    message: "workflow id '\(id)' is already used by \(holder)"))
            reports[i].workflow = nil
            duplicates.insert(i)
        }
        for (i, report) in reports.enumerated() where report.diagnostics.contains(where: {
            $0.rule == Rule.duplicateWorkflowID
        }) {
            duplicates.insert(i)
        }

        // The id each path holds after this commit.
        var idByPath: [String: String] = [:]
        for deployment in live where !goneOrChanged.contains(deployment.path) {
            idByPath[deployment.path] = deployment.workflowID
        }
        for (i, report) in reports.enumerated() where !duplicates.contains(i) {
            if let id = report.workflowID { idByPath[report.path] = id }
        }
        let remaining = Set(idByPath.values)
        let retired = live.map(\.workflowID).filter { !remaining.contains($0) }.sorted()

        var refused: String?
        if configDiagnostics.contains(where: { $0.severity == .error }) {
            refused = "\(RepoConfig.fileName) is invalid"
        } else if remaining.isEmpty && !live.isEmpty && !config.allowEmpty {
            refused = "this commit removes every workflow (set allow_empty: true in \(RepoConfig.fileName) to allow it)"
        }

        // The new deployments.
        let byID = Dictionary(deployments.map { ($0.workflowID, $0) }, uniquingKeysWith: { a, _ in a })
        let now = Date()
        var updated: [Deployment] = []
        var applied: [LiveWorkflow] = []
        var invalid: [String: [Diagnostic]] = [:]
        var checked: [String: CheckNote.WorkflowState] = [:]
        for (i, report) in reports.enumerated() {
            let id = report.workflowID ?? WorkflowValidator.stem(of: report.path)
            let problems = report.diagnostics.sorted(by: Diagnostic.ordered)
            let blob = report.blob ?? ""
            if duplicates.contains(i) {
                checked["\(id) (\(report.path))"] = .init(
                    path: report.path, blob: blob, valid: false, diagnostics: problems.map(Self.problem))
                continue
            }
            let previous = byID[id].flatMap { $0.retiredAt == nil ? $0 : nil }
            var deployment = Deployment(
                workflowID: id, path: report.path, attemptedCommit: head.description, attemptedBlob: blob,
                valid: report.isValid, diagnostics: Self.encode(problems), appliedCommit: previous?.appliedCommit,
                appliedPath: previous?.appliedPath, appliedBlob: previous?.appliedBlob, updatedAt: now)
            if let workflow = report.workflow, report.isValid {
                deployment.appliedCommit = head.description
                deployment.appliedPath = report.path
                deployment.appliedBlob = blob
                // An unchanged version (e.g. revalidated after a sire.yaml change) is not re-applied.
                if previous?.appliedBlob != blob || previous?.appliedPath != report.path || configChanged {
                    applied.append(
                        LiveWorkflow(
                            workflow: workflow, path: report.path, blob: blob,
                            definition: files.first { $0.path == report.path }?.bytes ?? [], commit: commit))
                }
                checked[id] = .init(path: report.path, blob: blob, valid: true, diagnostics: problems.map(Self.problem))
            } else {
                invalid[id] = problems
                checked[id] = .init(
                    path: report.path, blob: blob, valid: false, diagnostics: problems.map(Self.problem),
                    applied_commit: deployment.appliedCommit, applied_blob: deployment.appliedBlob)
            }
            updated.append(deployment)
        }
        // Still-invalid workflows that did not change are listed again, so each check record
        // tells the whole deployment state of its commit.
        for deployment in live where !deployment.valid && checked[deployment.workflowID] == nil
            && !retired.contains(deployment.workflowID)
        {
            checked[deployment.workflowID] = .init(
                path: deployment.path, blob: deployment.attemptedBlob, valid: false,
                diagnostics: Self.decode(deployment.diagnostics).map(Self.problem),
                applied_commit: deployment.appliedCommit, applied_blob: deployment.appliedBlob)
        }
        for id in retired {
            guard var deployment = byID[id] else { continue }
            deployment.retiredAt = now
            deployment.updatedAt = now
            updated.append(deployment)
        }

        let check = CheckNote(
            commit: head.description, tree: commit.tree.description, workflows: checked, tool_version: toolVersion,
            source: "controller", base: base?.description, retired: retired.isEmpty ? nil : retired,
            refused: refused)
        // The note first: if we crash before the index commits, the same commit is reconciled
        // again and writes the same line, which the union of lines keeps once.
        try repository.appendNotes(
            [head: [check.line()]], ref: LedgerRef.checks, author: author,
            message: "sire-git: check \(head.short)")
        let deployed = refused == nil
        try store.transactionNow { tx in
            if deployed {
                for deployment in updated { try tx.saveDeployment(deployment) }
                try tx.setControllerValue(Self.appliedKey, head.description)
            }
            try tx.setControllerValue(Self.reconciledKey, head.description)
        }
        if let refused {
            logger.warning(
                "commit refused: \(refused)", metadata: ["git.sha": "\(head.description)"])
        }
        return ReconcileOutcome(
            commit: commit, base: base, applied: deployed ? applied : [], retired: deployed ? retired : [],
            invalid: invalid, refused: refused, changedPaths: changedPaths, check: check, alreadyReconciled: false)
    }

    /// Every live deployment's applied version, parsed: what the controller schedules after a
    /// restart.
    package func liveWorkflows() throws -> [LiveWorkflow] {
        let repository = try Repository(path: gitDirectory)
        let deployments = try store.snapshot { tx in try tx.deployments() }.filter(\.isLive)
        var configs: [String: RepoConfig] = [:]
        var out: [LiveWorkflow] = []
        for deployment in deployments {
            guard let commitHex = deployment.appliedCommit, let commitID = ObjectID(commitHex),
                let blobHex = deployment.appliedBlob, let blobID = ObjectID(blobHex),
                let path = deployment.appliedPath
            else { continue }
            do {
                let config: RepoConfig
                if let cached = configs[commitHex] {
                    config = cached
                } else {
                    config = try WorkflowSet.loadConfig(repository: repository, commit: commitID).0
                    configs[commitHex] = config
                }
                let bytes = try repository.blob(blobID)
                let report = WorkflowValidator.validate(
                    WorkflowFile(path: path, blob: blobHex, bytes: bytes), config: config)
                guard let workflow = report.workflow else { continue }
                out.append(
                    LiveWorkflow(
                        workflow: workflow, path: path, blob: blobHex, definition: bytes,
                        commit: try repository.commit(commitID)))
            } catch {
                logger.error(
                    "cannot load the deployed version: \(error)", metadata: ["workflow.id": "\(deployment.workflowID)"])
            }
        }
        return out
    }

    var toolVersion: String { "sire-git \(ControllerVersion.current)" }

    static func problem(_ diagnostic: Diagnostic) -> CheckNote.Problem {
        CheckNote.Problem(
            rule: diagnostic.rule, severity: diagnostic.severity.rawValue, path: diagnostic.path,
            line: diagnostic.line, column: diagnostic.column, message: diagnostic.message)
    }

    static func encode(_ diagnostics: [Diagnostic]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(diagnostics)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }

    static func decode(_ json: String) -> [Diagnostic] {
        (try? JSONDecoder().decode([Diagnostic].self, from: Data(json.utf8))) ?? []
    }
}
