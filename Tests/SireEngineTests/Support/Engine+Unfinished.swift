import SireEngine
import SireStore

extension Engine {
    /// Executes every unfinished run of the index nobody else holds, concurrently, and returns
    /// them finished: what a new process's launcher does at start (`RunLauncher` in
    /// SireController), without its concurrency policies, for tests of the engine alone.
    func resumeUnfinished() async throws -> [RunRecord] {
        let pending = try store.snapshot { tx in try tx.unfinishedRuns() }
        return await withTaskGroup(of: RunRecord?.self) { group in
            for run in pending {
                group.addTask { try? await self.execute(run.id) }
            }
            var out: [RunRecord] = []
            for await run in group { if let run { out.append(run) } }
            return out.sorted { $0.createdAt < $1.createdAt }
        }
    }
}
