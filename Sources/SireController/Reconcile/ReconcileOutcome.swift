import SireCore
import SireGit

/// What reconciling one commit changed.
package struct ReconcileOutcome: Sendable {
    package var commit: CommitInfo
    /// The last applied commit this one was diffed against; nil on a first reconcile.
    package var base: ObjectID?
    /// Workflows whose version was applied at this commit (new or changed and valid).
    package var applied: [LiveWorkflow]
    /// Workflows that left the branch.
    package var retired: [String]
    /// Workflows whose new version is invalid (the last good one keeps running), with problems.
    package var invalid: [String: [Diagnostic]]
    /// Why nothing was deployed, when the commit was refused.
    package var refused: String?
    /// Every path that changed between the base and this commit (for push triggers).
    package var changedPaths: [String]
    /// The record written to `refs/notes/sire/checks`.
    package var check: CheckNote
    /// True when this commit had already been reconciled (nothing was done).
    package var alreadyReconciled: Bool

    /// True when the commit's workflows were deployed (it was not refused).
    package var deployed: Bool { refused == nil && !alreadyReconciled }
}
