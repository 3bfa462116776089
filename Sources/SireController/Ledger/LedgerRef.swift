/// The notes refs of the ledger (SPEC §6).
package enum LedgerRef {
    /// Run results, attached to the commit each run was pinned to.
    package static let runs = "refs/notes/sire/runs"
    /// Validation results, attached to each commit the controller reconciled (or `check --write-note`).
    package static let checks = "refs/notes/sire/checks"
    /// Every ledger ref, for fetch/push/sync.
    package static let all = [runs, checks]
}
