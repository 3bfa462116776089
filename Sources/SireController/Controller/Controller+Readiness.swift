import SireStore

/// What `GET /readyz` asks: has the controller caught up with its branch since it started?
extension Controller {
    /// True when the index has reconciled the tracked branch's current head and every workflow
    /// live in the index is deployed in this process (restored or reconciled). An unborn branch
    /// has nothing to reconcile and counts as caught up.
    package func hasReconciledHead() throws -> Bool {
        guard let head = try source.head() else { return true }
        guard try reconciler.reconciledCommit() == head else { return false }
        let live = try runtime.store.snapshot { tx in try tx.deployments() }.filter(\.isLive).map(\.workflowID)
        return live.allSatisfy { liveWorkflow($0) != nil }
    }
}
