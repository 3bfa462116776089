import Foundation
import SireCore
import SireTestSupport
import Testing

@testable import SireController

/// The controller hears about a moved ref from inotify instead of waiting for its next read.
@Suite struct RefWatcherTests {
    @Test func aCommitAPackedRefUpdateAndANestedBranchAreNoticed() async throws {
        let repo = try await GitFixture()
        try repo.write("a.txt", "1")
        try await repo.commit("first")
        let signal = ChangeSignal()
        let watcher = RefWatcher(gitDirectory: repo.root + "/.git", branch: "main", signal: signal)
        defer { watcher.stop() }

        func changes(_ body: () async throws -> Void) async throws -> Bool {
            let before = signal.generation
            try await body()
            await signal.wait(after: before, timeout: .seconds(20))
            return signal.generation > before
        }
        #expect(
            try await changes {
                try repo.write("a.txt", "2")
                _ = try await repo.commit("loose ref moves")
            })
        _ = try await repo.git("pack-refs --all")
        #expect(try await changes { _ = try await repo.git("update-ref refs/heads/main HEAD~1") })

        // A branch whose name has a slash lives in a subdirectory, watched too.
        _ = try await repo.git("branch team/feature")
        let other = ChangeSignal()
        let nested = RefWatcher(gitDirectory: repo.root + "/.git", branch: "team/feature", signal: other)
        defer { nested.stop() }
        let before = other.generation
        _ = try await repo.git("update-ref refs/heads/team/feature HEAD~0")
        try repo.write("b.txt", "x")
        _ = try await repo.git("checkout -q team/feature")
        _ = try await repo.commit("on the feature branch")
        await other.wait(after: before, timeout: .seconds(20))
        #expect(other.generation > before)
    }
}
