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
    /// Bookmark: `BASE HEAD` of an applied change whose push triggers have not all been fired
    /// yet; set in the same transaction as the deployments, cleared once they are.
    static let pendingPushKey = "pending_push"

    package let gitDirectory: String
    let store: Store
    let logger: Logger

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
        try SireMetrics.measureReconcile { try reconcileUnmeasured(head: head) }
    }

    private func reconcileUnmeasured(head: ObjectID) throws -> ReconcileOutcome {
        let repository = try Repository(path: gitDirectory)
        let commit = try repository.commit(head)
        let (reconciled, appliedBase) = try store.snapshot { tx in
            (try tx.controllerValue(Self.reconciledKey), try tx.controllerValue(Self.appliedKey))
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
        // A tree no checkout may write (`..`, `.git`, `a/b` as one name, duplicates) is refused
        // whole: the first commit's tree is read entirely, later ones by what they change.
        let unsafe = Self.unsafeEntry(in: head, changes: base == nil ? nil : pathChanges, repository: repository)

        // Which workflow files to validate, and the live deployments whose file changed or left.
        var changedFiles: [TreeFile] = []
        let touched: [Deployment]
        if unsafe != nil {
            touched = []
        } else if configChanged {
            changedFiles = try repository.files(in: head, under: config.workflowDirectories)
                .filter { config.isWorkflowPath($0.path) }
            touched = try store.snapshot { tx in try tx.deployments() }.filter { $0.retiredAt == nil }
        } else {
            var paths: Set<String> = []
            for change in pathChanges {
                if let old = change.oldPath { paths.insert(old) }
                if let new = change.newPath, let blob = change.newBlob, change.status != .deleted,
                    config.isWorkflowPath(new)
                {
                    changedFiles.append(TreeFile(path: new, blob: blob, mode: change.newMode ?? .regular))
                    paths.insert(new)
                }
            }
            touched = try store.snapshot { tx in try tx.liveDeployments(atPaths: paths.sorted()) }
        }
        let touchedPaths = Set(touched.map(\.path))
        var files: [WorkflowFile] = []
        for file in changedFiles.sorted(by: { $0.path < $1.path }) {
            files.append(try repository.workflowFile(path: file.path, blob: file.blob))
        }
        var reports = files.map { WorkflowValidator.validate($0, config: config) }

        // The deployments of every id involved: the touched ones and the ones the files claim.
        var byID = Dictionary(touched.map { ($0.workflowID, $0) }, uniquingKeysWith: { a, _ in a })
        let claimed = Set(reports.compactMap(\.workflowID)).subtracting(byID.keys)
        try store.snapshot { tx in
            for id in claimed.sorted() { if let deployment = try tx.deployment(id) { byID[id] = deployment } }
        }

        // One file per id. The file that held the id before keeps it (an unchanged file always
        // does); otherwise the first path. Every other claimant is a duplicate.
        var claimants: [String: [Int]] = [:]
        for (i, report) in reports.enumerated() {
            if let id = report.workflowID { claimants[id, default: []].append(i) }
        }
        var duplicates: Set<Int> = []
        for (id, indexes) in claimants {
            let incumbent = byID[id].flatMap { $0.retiredAt == nil ? $0.path : nil }
            let owner: Int?
            if let incumbent, !touchedPaths.contains(incumbent) {
                owner = nil
            } else {
                owner = indexes.first { reports[$0].path == incumbent } ?? indexes[0]
            }
            for i in indexes where i != owner {
                let holder = owner.map { reports[$0].path } ?? incumbent ?? ""
                reports[i].diagnostics.append(
                    Diagnostic(
                        rule: Rule.duplicateWorkflowID, path: reports[i].path, position: reports[i].idPosition,
                        message: "workflow id '\(id)' is already used by \(holder)"))
                reports[i].workflow = nil
                duplicates.insert(i)
            }
        }

        let kept = Set(reports.indices.filter { !duplicates.contains($0) }.compactMap { reports[$0].workflowID })
        let retired = touched.map(\.workflowID).filter { !kept.contains($0) }.sorted()
        let newlyLive = kept.filter { id in byID[id].map { $0.retiredAt != nil } ?? true }.count
        let liveCount = try store.snapshot { tx in try tx.liveDeploymentCount() }
        let remaining = liveCount - retired.count + newlyLive

        var refused: String?
        // The rule that judges a commit comes from the last applied one, not from the commit.
        let trusted = base ?? head
        let trustedVerify =
            base == nil || !configChanged
            ? config.verify : try WorkflowSet.loadConfig(repository: repository, commit: trusted).0.verify
        if let unsafe {
            refused = unsafe
        } else if let reason = CommitVerifier.refusal(
            of: commit, config: trustedVerify, trusted: trusted, repository: repository)
        {
            refused = reason
        } else if configDiagnostics.contains(where: { $0.severity == .error }) {
            refused = "\(RepoConfig.fileName) is invalid"
        } else if remaining == 0 && liveCount > 0 && !config.allowEmpty {
            refused = "this commit removes every workflow (set allow_empty: true in \(RepoConfig.fileName) to allow it)"
        }

        // The new deployments.
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
                    path: report.path, blob: blob, valid: false, diagnostics: problems.map(CheckNote.Problem.init))
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
                checked[id] = .init(
                    path: report.path, blob: blob, valid: true, diagnostics: problems.map(CheckNote.Problem.init))
            } else {
                invalid[id] = problems
                checked[id] = .init(
                    path: report.path, blob: blob, valid: false, diagnostics: problems.map(CheckNote.Problem.init),
                    applied_commit: deployment.appliedCommit, applied_blob: deployment.appliedBlob)
            }
            updated.append(deployment)
        }
        // Still-invalid workflows that did not change are listed again, so each check record
        // tells the whole deployment state of its commit.
        let stillInvalid = try store.snapshot { tx in try tx.invalidLiveDeployments() }
        for deployment in stillInvalid
        where checked[deployment.workflowID] == nil
            && !retired.contains(deployment.workflowID)
        {
            checked[deployment.workflowID] = .init(
                path: deployment.path, blob: deployment.attemptedBlob, valid: false,
                diagnostics: Self.decode(deployment.diagnostics).map(CheckNote.Problem.init),
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
        try LedgerWriter.writeCheck(check, gitDirectory: gitDirectory)
        let deployed = refused == nil
        try store.transactionNow { tx in
            if deployed {
                for deployment in updated { try tx.saveDeployment(deployment) }
                try tx.setControllerValue(Self.appliedKey, head.description)
                try tx.setControllerValue(Self.pendingPushKey, base.map { "\($0) \(head)" })
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

    /// The applied change whose push triggers a crash may have left unfired: its paths and head.
    package func pendingPush() throws -> (changedPaths: [String], head: CommitInfo)? {
        guard let value = try store.snapshot({ tx in try tx.controllerValue(Self.pendingPushKey) }) else {
            return nil
        }
        let parts = value.split(separator: " ").compactMap { ObjectID(String($0)) }
        guard parts.count == 2 else { return nil }
        let repository = try Repository(path: gitDirectory)
        let changes = try repository.diff(from: parts[0], to: parts[1], detectRenames: false)
        let paths = Array(Set(changes.flatMap { [$0.oldPath, $0.newPath].compactMap { $0 } })).sorted()
        return (paths, try repository.commit(parts[1]))
    }

    /// Marks the push triggers of the change that led to `head` as fired.
    package func pushFired(head: ObjectID) throws {
        try store.transactionNow { tx in
            if let value = try tx.controllerValue(Self.pendingPushKey), value.hasSuffix(head.description) {
                try tx.setControllerValue(Self.pendingPushKey, nil)
            }
        }
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
                let file = try repository.workflowFile(path: path, blob: blobID)
                let report = WorkflowValidator.validate(file, config: config)
                guard let workflow = report.workflow else { continue }
                out.append(
                    LiveWorkflow(
                        workflow: workflow, path: path, blob: blobHex, definition: file.bytes,
                        commit: try repository.commit(commitID)))
            } catch {
                logger.error(
                    "cannot load the deployed version: \(error)", metadata: ["workflow.id": "\(deployment.workflowID)"])
            }
        }
        return out
    }

    var toolVersion: String { ControllerVersion.current }

    static func encode(_ diagnostics: [Diagnostic]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(diagnostics)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }

    static func decode(_ json: String) -> [Diagnostic] {
        (try? JSONDecoder().decode([Diagnostic].self, from: Data(json.utf8))) ?? []
    }

    /// The first entry of `head`'s tree that no checkout may write, as a refusal reason: among
    /// the paths `changes` adds, or in the whole tree when there is no base (nil `changes`).
    static func unsafeEntry(in head: ObjectID, changes: [TreeChange]?, repository: Repository) -> String? {
        do {
            if let changes {
                try repository.checkEntries(along: changes.compactMap(\.newPath), in: head)
            } else {
                _ = try repository.files(in: head, under: [""])
            }
            return nil
        } catch {
            return error.code == .unsafePath ? error.message : nil
        }
    }
}
