import Foundation
import SireGit
import SireTestSupport
import Testing

@testable import SireController

@Suite("Ledger housekeeping")
struct LedgerHousekeepingTests {
    @Test("past the pack limit, git gc --auto consolidates the ledger's packs and every record stays readable")
    func packsAreConsolidated() async throws {
        let fixture = try await GitFixture()
        let commit = try #require(ObjectID(try await fixture.commit("one")))
        let repository = try Repository(path: fixture.root)
        let housekeeping = LedgerHousekeeping(
            gitDirectory: fixture.root + "/.git", packLimit: 5, logger: .init(label: "test"))
        for index in 0..<8 {
            try repository.appendNotes(
                [commit: ["{\"run\":\"r\(index)\"}"]], ref: LedgerRef.runs, author: ("t", "t@example.com"),
                message: "batch \(index)")
        }
        #expect(housekeeping.packCount >= 8)
        await housekeeping.consolidate(git: ChildProcess.which("git"))
        #expect(housekeeping.packCount <= 2, "\(housekeeping.packCount) packs left")
        #expect(try repository.notes(for: commit, ref: LedgerRef.runs).count == 8)
        let fsck = try await fixture.git(["fsck", "--strict", "--no-progress"])
        #expect(fsck.isEmpty, "\(fsck)")
    }
}
