import Foundation
import SireCore
import SireGit
import SireTestSupport
import Synchronization
import Testing

@testable import SireController

@Suite("Ledger pusher")
struct LedgerPusherTests {
    @Test("unpushed records are counted from the refs; a failing push is reported once, a working one clears it")
    func unpushedAndProblems() async throws {
        let fixture = try await GitFixture()
        let commit = try #require(ObjectID(try await fixture.commit("one")))
        let repository = try Repository(path: fixture.root)
        let remote = fixture.sandbox + "/remote.git"
        // Not a repository yet: every push fails.
        _ = try await fixture.git(["remote", "add", "origin", remote])
        try repository.appendNotes(
            [commit: [#"{"kind":"run","run":"r1"}"#]], ref: LedgerRef.runs, author: ("t", "t@example.com"),
            message: "r1")
        let sync = LedgerSync(gitDirectory: fixture.root + "/.git")
        #expect(try sync.unpushed(remote: "origin") == 1)

        let problems = Mutex<[String?]>([])
        let pusher = LedgerPusher(sync: sync, logger: .init(label: "test")) { problem in
            problems.withLock { $0.append(problem) }
        }
        #expect(await pusher.pushIfNeeded() == false)
        #expect(await pusher.pushIfNeeded() == false)
        #expect(problems.withLock { $0.count } == 1, "reported once, not at every try")
        #expect(pusher.problem != nil)

        _ = try await fixture.git(["init", "--quiet", "--bare", remote])
        #expect(await pusher.pushIfNeeded())
        #expect(problems.withLock { $0.last } == .some(nil))
        #expect(try sync.unpushed(remote: "origin") == 0)
        let pushed = try await fixture.git([
            "--git-dir", remote, "notes", "--ref=sire/runs", "show", commit.description,
        ])
        #expect(pushed.contains("r1"))

        // A new record is unpushed again until the next push; a second note counts too.
        let two = try #require(ObjectID(try await fixture.commit("two")))
        try repository.appendNotes(
            [commit: [#"{"kind":"run","run":"r2"}"#], two: [#"{"kind":"run","run":"r3"}"#]], ref: LedgerRef.runs,
            author: ("t", "t@example.com"), message: "r2 r3")
        #expect(try sync.unpushed(remote: "origin") == 2)
    }
}
