import Foundation
import SireGit
import SireTestSupport
import Testing

@testable import SireController

@Suite("Errors keep their cause")
struct ControllerErrorTests {
    @Test("a failed ledger fetch says what failed, and keeps libgit2's error and where it was wrapped")
    func causeIsKept() async throws {
        let fixture = try await GitFixture()
        _ = try await fixture.commit("one")
        let sync = LedgerSync(gitDirectory: fixture.root + "/.git")
        do {
            _ = try sync.fetch(remote: fixture.sandbox + "/no-such-remote.git")
            Issue.record("fetching from a missing remote succeeded")
        } catch let error as ControllerError {
            #expect(error.code == .io)
            #expect(error.context.hasPrefix("cannot fetch the ledger from"))
            let cause = try #require(error.cause as? GitError)
            #expect(error.message == "\(error.context): \(cause)")
            #expect(error.location.hasPrefix("SireController/LedgerSync.swift:"), "\(error.location)")
        }
    }
}
