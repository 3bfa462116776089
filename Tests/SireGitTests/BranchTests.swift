import Foundation
import SireTestSupport
import Testing

@testable import SireGit

@Suite("Branches")
struct BranchTests {
    @Test("HEAD's branch, and nil when detached")
    func headBranch() async throws {
        let fixture = try await GitFixture()
        try await fixture.commit("first")
        try await fixture.git("checkout --quiet -b topic")
        #expect(try Repository(path: fixture.root).headBranchName == "topic")

        try await fixture.git("checkout --quiet --detach")
        let detached = try Repository(path: fixture.root)
        #expect(detached.headBranchName == nil)
        #expect(detached.defaultBranchName == "main")
    }

    @Test("the default branch is origin/HEAD's branch, whatever is checked out")
    func defaultFromOrigin() async throws {
        let origin = try await GitFixture()
        try await origin.commit("first")
        try await origin.git("checkout --quiet -b develop")
        let clonePath = origin.sandbox + "/clone"
        try await origin.git(["clone", "--quiet", origin.root, clonePath])
        try await origin.git(["checkout", "--quiet", "-b", "topic"], in: clonePath)

        let clone = try Repository(path: clonePath)

        #expect(clone.headBranchName == "topic")
        #expect(clone.defaultBranchName == "develop")
    }

    @Test("without a remote the default branch is HEAD's branch")
    func defaultWithoutRemote() async throws {
        let fixture = try await GitFixture()
        try await fixture.commit("first")
        try await fixture.git("checkout --quiet -b trunk")

        #expect(try Repository(path: fixture.root).defaultBranchName == "trunk")
    }
}
