import Foundation
import SireCore
import SireStore

/// A state directory in a unique temporary folder, removed when the fixture goes away.
final class StoreFixture {
    let directory: String
    let store: Store

    init() throws {
        directory =
            URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("sire-store-tests-\(UUID().uuidString)").path
        store = try Store(directory: directory)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Another store on the same directory, as a restarted process would open it.
    func reopen() throws -> Store {
        try Store(directory: directory)
    }

    /// A queued run record.
    static func run(
        _ id: String, workflow: String = "nightly",
        trigger: RunTrigger = RunTrigger(type: "manual", key: UUID().uuidString),
        createdAt: Date = Date(), commit: String = "0123456789abcdef0123456789abcdef01234567"
    ) -> RunRecord {
        RunRecord(
            id: id, workflowID: workflow, path: "workflows/\(workflow).yaml", blob: "blob",
            commit: PinnedCommit(sha: commit, tree: "tree"),
            trigger: trigger, inputs: ["limit": .int(3)], definition: Array("id: \(workflow)\n".utf8),
            createdAt: createdAt)
    }

    /// Inserts `run` with steps `a` and `b`; returns what `insertRun` said.
    @discardableResult
    func insert(_ run: RunRecord, steps: [String] = ["a", "b"]) async throws -> (run: RunRecord, created: Bool) {
        try await store.transaction { tx in try tx.insertRun(run, steps: steps) }
    }

    func outbox(in store: Store? = nil) throws -> [String] {
        try (store ?? self.store).snapshot { tx in try tx.pendingOutbox(limit: 1000).map(\.runID) }
    }
}
