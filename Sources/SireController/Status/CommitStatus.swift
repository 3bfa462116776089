/// What one commit defines and what happened to it: its workflows with their validity and
/// deployment state, their next schedule fires, and the runs pinned to it (`sire-git status`).
///
/// Everything but ``inProgress`` comes from git objects and the ledger notes, so any clone that
/// fetched `refs/notes/sire/*` computes the same value. This is also the `--json` shape: keys are
/// snake_case, times RFC 3339 strings.
package struct CommitStatus: Codable, Sendable, Hashable {
    /// The commit's identity and metadata.
    package struct Commit: Codable, Sendable, Hashable {
        /// The full 40-hex commit id.
        package var sha: String
        /// The first 7 hex digits.
        package var short: String
        /// The first paragraph of the message, on one line.
        package var subject: String
        /// The author's name.
        package var author: String
        /// The author's email address.
        package var email: String
        /// The author date, RFC 3339 in the author's own offset (as `git log` shows it).
        package var date: String
        /// The root tree's id.
        package var tree: String
    }

    /// The controller's reconcile record for this commit, when there is one.
    package struct Reconcile: Codable, Sendable, Hashable {
        /// When the record was written, RFC 3339 UTC.
        package var at: String?
        /// The previously reconciled commit this one was compared with.
        package var base: String?
        /// The sire-git version that wrote the record.
        package var toolVersion: String
        /// Why nothing of this commit was deployed, if so.
        package var refused: String?

        enum CodingKeys: String, CodingKey {
            case at, base, refused
            case toolVersion = "tool_version"
        }
    }

    /// One problem in a workflow (or `sire.yaml`) at this commit: the ledger's shape.
    package typealias Problem = CheckNote.Problem

    /// Where a workflow version stands with the controller.
    package enum DeploymentState: String, Codable, Sendable, Hashable {
        /// This commit's version is the deployed one (it was, when the commit was reconciled).
        case applied
        /// This version is invalid: it was seen but not deployed; the last good one keeps running.
        case attempted
        /// The controller refused the whole commit.
        case refused
        /// No controller has recorded reconciling this commit.
        case notReconciled = "not_reconciled"
    }

    /// A workflow's deployment at this commit.
    package struct Deployment: Codable, Sendable, Hashable {
        /// Where this version stands.
        package var state: DeploymentState
        /// For `attempted`: the commit and blob of the last good version that keeps running.
        package var appliedCommit: String?
        /// For `attempted`: the blob of that last good version.
        package var appliedBlob: String?
        /// For `refused`: the controller's reason.
        package var reason: String?

        enum CodingKeys: String, CodingKey {
            case state, reason
            case appliedCommit = "applied_commit"
            case appliedBlob = "applied_blob"
        }
    }

    /// One `on.schedule` entry of a valid workflow with its next fire times after ``at``.
    package struct Schedule: Codable, Sendable, Hashable {
        /// The cron expression as written.
        package var cron: String
        /// IANA time zone the cron expression is read in.
        package var timezone: String
        /// RFC 3339 in ``timezone``, earliest first; empty when the schedule never fires again.
        package var next: [String]
    }

    /// A workflow file at this commit.
    package struct Workflow: Codable, Sendable, Hashable {
        /// The workflow id (its `id:`, else the file stem).
        package var id: String
        /// The repository-relative file.
        package var path: String
        /// The file's blob id: the version.
        package var blob: String
        /// Whether it validates (no error diagnostics) with this sire-git.
        package var valid: Bool
        /// Errors and warnings, by position.
        package var diagnostics: [Problem]
        /// What the controller recorded for this version.
        package var deployment: Deployment
        /// Its schedules, when it is valid.
        package var schedules: [Schedule]
    }

    /// A failed step of a finished run.
    package struct FailedStep: Codable, Sendable, Hashable {
        /// The step id.
        package var id: String
        /// How many times it was tried.
        package var attempts: Int
        /// Its last error.
        package var error: String?
    }

    /// A finished run pinned to this commit, from the runs ledger.
    package struct Run: Codable, Sendable, Hashable {
        /// The run id.
        package var id: String
        /// The workflow id.
        package var workflow: String
        /// `succeeded`, `failed` or `cancelled`.
        package var status: String
        /// What started it: `schedule`, `push`, `http`, `manual`, `rerun`, with its idempotency key.
        package var trigger: RunNote.Trigger
        /// RFC 3339 UTC, as recorded.
        package var startedAt: String?
        /// RFC 3339 UTC, as recorded.
        package var finishedAt: String
        /// Wall time of the whole run.
        package var durationMs: Int
        /// Why the run failed, if it did.
        package var error: String?
        /// Its failed steps, by id.
        package var failedSteps: [FailedStep]

        enum CodingKeys: String, CodingKey {
            case id, workflow, status, trigger, error
            case startedAt = "started_at"
            case finishedAt = "finished_at"
            case durationMs = "duration_ms"
            case failedSteps = "failed_steps"
        }
    }

    /// A run on this commit that has not finished yet, from this host's index.
    package struct LocalRun: Codable, Sendable, Hashable {
        /// The run id.
        package var id: String
        /// The workflow id.
        package var workflow: String
        /// `queued` or `running`.
        package var status: String
        /// What started it.
        package var trigger: RunNote.Trigger
        /// When it was queued, RFC 3339 UTC.
        package var createdAt: String
        /// When it started, RFC 3339 UTC.
        package var startedAt: String?

        enum CodingKeys: String, CodingKey {
            case id, workflow, status, trigger
            case createdAt = "created_at"
            case startedAt = "started_at"
        }
    }

    /// The commit.
    package var commit: Commit
    /// The tracked branch, when its head is this commit.
    package var branch: String?
    /// The instant next fire times are computed after, RFC 3339 UTC.
    package var at: String
    /// The controller's record for this commit; nil when it was not reconciled.
    package var reconcile: Reconcile?
    /// Problems in `sire.yaml` at this commit.
    package var configDiagnostics: [Problem]
    /// Every workflow file at this commit, sorted by id.
    package var workflows: [Workflow]
    /// Workflows whose file left the branch in this commit, sorted.
    package var retired: [String]
    /// The newest finished runs pinned to this commit (as many as asked for), newest first.
    package var runs: [Run]
    /// Every finished run pinned to this commit, counted by workflow id, then by status.
    package var runCounts: [String: [String: Int]]
    /// How many finished runs are pinned to this commit.
    package var runsTotal: Int
    /// Unfinished runs on this commit known to this host's index (empty without an index).
    package var inProgress: [LocalRun]
    /// Why the controller using this host's index cannot read its source now (`TIME REASON`):
    /// a failed fetch or a deleted repository or branch; nil when it can, or without an index.
    package var sourceProblem: String?
    /// Why that controller cannot push its ledger to the remote now (`TIME REASON`), if so.
    package var ledgerPushProblem: String?

    enum CodingKeys: String, CodingKey {
        case commit, branch, at, reconcile, workflows, retired, runs
        case configDiagnostics = "config_diagnostics"
        case inProgress = "in_progress"
        case runCounts = "run_counts"
        case runsTotal = "runs_total"
        case sourceProblem = "source_problem"
        case ledgerPushProblem = "ledger_push_problem"
    }
}
