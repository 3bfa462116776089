import Foundation
import SireCore
import SireGit
import SireSpec

/// Computes a ``CommitStatus`` from the repository and its ledger, never walking history: the
/// work is the workflow files of one commit plus one note lookup in each ledger ref.
///
/// Like the ``Repository`` it reads, a reader is used from one thread at a time.
package struct CommitStatusReader {
    /// Where commits, workflow files and ledger notes are read.
    package let repository: Repository
    /// The state directory; when it holds an `index.sqlite`, unfinished runs are read from it.
    package let stateDirectory: String?
    /// How many upcoming fire times each schedule lists.
    package var fireCount: Int
    /// How many of the newest runs are listed (all are counted); nil lists every one.
    package var runLimit: Int?

    /// Creates a reader; without `stateDirectory` no local index is consulted.
    package init(
        repository: Repository, stateDirectory: String? = nil, fireCount: Int = 3, runLimit: Int? = defaultRunLimit
    ) {
        self.repository = repository
        self.stateDirectory = stateDirectory
        self.fireCount = fireCount
        self.runLimit = runLimit
    }

    /// How many runs `status` lists unless told otherwise.
    package static let defaultRunLimit = 20

    /// A run limit as `status --runs`, the API's `?runs=` and MCP's `runs` give it: a number of
    /// runs (0 lists none), or `all` (nil: every one).
    /// - Throws: ``ControllerError`` `usage` for anything else.
    package static func runLimit(_ text: String) throws -> Int? {
        if text == "all" { return nil }
        guard let count = Int(text), count >= 0 else {
            throw ControllerError(.usage, "runs must be a number of runs or 'all', got '\(text)'")
        }
        return count
    }

    /// The status of the commit `revision` names, with schedule fires after `now`.
    ///
    /// - Throws: ``ControllerError`` `usage` when `revision` does not name a commit, `io` when
    ///   git or the index cannot be read.
    package func status(of revision: String, now: Date) throws -> CommitStatus {
        let commit: CommitInfo
        do {
            commit = try repository.resolveCommit(revision)
        } catch {
            throw ControllerError(.usage, cause: error)
        }
        return try status(of: commit, now: now)
    }

    /// The status of `commit`, with schedule fires after `now`.
    ///
    /// - Throws: ``ControllerError`` `io` when git or the index cannot be read.
    package func status(of commit: CommitInfo, now: Date) throws -> CommitStatus {
        let set: WorkflowSet
        let note: CheckNote?
        let runs: CommitRuns
        do {
            set = try WorkflowSet.load(repository: repository, commit: commit)
            note = Self.controllerRecord(in: try repository.notes(for: commit.id, ref: LedgerRef.checks))
            runs = try CommitRuns.read(commit.id, in: repository, limit: runLimit)
        } catch let error as ControllerError {
            throw error
        } catch {
            throw ControllerError(.io, "cannot read commit \(commit.id.description.prefix(7))", cause: error)
        }
        let report = set.validate()
        let workflows = report.files.map { file in
            workflow(file, note: note, now: now)
        }.sorted { ($0.id, $0.path) < ($1.id, $1.path) }

        return CommitStatus(
            commit: Self.describe(commit),
            branch: trackedBranch(config: set.config, pointingAt: commit.id),
            at: RFC3339.format(now, in: .utc),
            reconcile: note.map {
                CommitStatus.Reconcile(at: $0.at, base: $0.base, toolVersion: $0.tool_version, refused: $0.refused)
            },
            configDiagnostics: report.configDiagnostics.sorted(by: Diagnostic.ordered).map(CommitStatus.Problem.init),
            workflows: workflows,
            retired: (note?.retired ?? []).sorted(),
            runs: Self.runs(runs.latest),
            runCounts: runs.counts,
            runsTotal: runs.total,
            inProgress: try unfinishedRuns(on: commit.id),
            sourceProblem: try localIndex { store in
                try store.snapshot { tx in try tx.controllerValue(Controller.sourceProblemKey) }
            } ?? nil,
            ledgerPushProblem: try localIndex { store in
                try store.snapshot { tx in try tx.controllerValue(Controller.ledgerPushProblemKey) }
            } ?? nil)
    }

    // MARK: - Pieces

    static func describe(_ commit: CommitInfo) -> CommitStatus.Commit {
        let sha = commit.id.description
        let zone = TimeZone(secondsFromGMT: commit.author.timeZoneOffsetMinutes * 60) ?? .utc
        return CommitStatus.Commit(
            sha: sha, short: String(sha.prefix(7)), subject: commit.summary, author: commit.author.name,
            email: commit.author.email, date: RFC3339.format(commit.author.date, in: zone),
            tree: commit.tree.description)
    }

    /// The tracked branch (`sire.yaml`'s `branch`, else the default branch) if its head is `id`.
    func trackedBranch(config: RepoConfig, pointingAt id: ObjectID) -> String? {
        let branch = config.branch ?? repository.defaultBranchName
        for ref in ["refs/heads/\(branch)", "refs/remotes/origin/\(branch)"] {
            if let head = try? repository.resolveCommit(ref) { return head.id == id ? branch : nil }
        }
        return nil
    }

    func workflow(_ file: FileReport, note: CheckNote?, now: Date) -> CommitStatus.Workflow {
        let id = file.workflowID ?? WorkflowValidator.stem(of: file.path)
        let schedules = (file.workflow?.triggers.schedules ?? []).map { schedule in
            let zone = TimeZones.named(schedule.timeZone) ?? .utc
            return CommitStatus.Schedule(
                cron: schedule.cron.source, timezone: schedule.timeZone,
                next: schedule.cron.nextFires(after: now, in: zone, count: fireCount).map {
                    RFC3339.format($0, in: zone)
                })
        }
        return CommitStatus.Workflow(
            id: id, path: file.path, blob: file.blob ?? "", valid: file.isValid,
            diagnostics: file.diagnostics.sorted(by: Diagnostic.ordered).map(CommitStatus.Problem.init),
            deployment: Self.deployment(id: id, path: file.path, valid: file.isValid, note: note), schedules: schedules)
    }

    /// What the check record says about one workflow file of the commit (see ``CheckNote``):
    /// listed and valid, or unlisted → applied; listed and invalid → attempted, with its last
    /// good version; `refused` overrides both.
    static func deployment(id: String, path: String, valid: Bool, note: CheckNote?) -> CommitStatus.Deployment {
        guard let note else { return CommitStatus.Deployment(state: .notReconciled) }
        if let reason = note.refused { return CommitStatus.Deployment(state: .refused, reason: reason) }
        // Match the path too: a file that lost a duplicate id must not borrow the winner's entry,
        // and a file whose id could not be read may have been recorded under another key.
        let entry =
            note.workflows[id].flatMap { $0.path == path ? $0 : nil }
            ?? note.workflows.values.first { $0.path == path }
        guard let entry else {
            // An invalid version is never deployed, whatever a record that left it out implies.
            return CommitStatus.Deployment(state: valid ? .applied : .attempted)
        }
        guard !entry.valid else { return CommitStatus.Deployment(state: .applied) }
        return CommitStatus.Deployment(
            state: .attempted, appliedCommit: entry.applied_commit, appliedBlob: entry.applied_blob)
    }

    /// The controller's record among a commit's check notes: the latest one when the commit was
    /// reconciled more than once (a rewind, or two controllers); `check --write-note` records
    /// do not say what was deployed and are left out.
    static func controllerRecord(in lines: [String]) -> CheckNote? {
        lines.compactMap(CheckNote.parse).filter { $0.source == "controller" }
            .max { ($0.at ?? "", $0.line()) < ($1.at ?? "", $1.line()) }
    }
}
