/// The notes refs of the ledger; the layout is described in `docs/ledger.md`.
package enum LedgerRef {
    /// Version 1 run records: every run of every commit in one ref. Read (and migrated into
    /// partitions, see ``LedgerMigration``), never written any more.
    package static let runs = "refs/notes/sire/runs"
    /// Validation results, attached to each commit the controller reconciled (or `check --write-note`).
    package static let checks = "refs/notes/sire/checks"
    /// Per-commit summaries of the run partitions: one line per partition holding runs of the
    /// commit, derived from that partition's note (``PartitionSummary``).
    package static let summary = "refs/notes/sire/summary"
    /// The version 1 notes commit whose records are already in partitions (by ``LedgerMigration``).
    package static let migratedRuns = "refs/notes/sire/migrated-runs"
    /// Run partitions are `refs/notes/sire/runs-<YYYY-MM>/<writer>.<NNNN>`: a ref of its own for
    /// each month and writer, and a new one every ``LedgerPartition/capacity`` runs. (Git
    /// refuses a `refs/notes/sire/runs/…` beside the version 1 ref, hence the dash.)
    package static let partitionPrefix = "refs/notes/sire/runs-"

    /// The ref of the partition named `name` (`2026-12/k3f9qa.0001`).
    package static func partition(_ name: String) -> String { partitionPrefix + name }

    /// The partition name of `ref`, when it is a partition ref.
    package static func partitionName(of ref: String) -> String? {
        ref.hasPrefix(partitionPrefix) ? String(ref.dropFirst(partitionPrefix.count)) : nil
    }
}
