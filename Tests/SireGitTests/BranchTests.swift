import Foundation
import SireTestSupport
import Testing

@testable import SireGit

@Suite("Branches")
struct BranchTests {
    @Test("HEAD's branch, and nil when detached")
    func headBranch() throws {
        let fixture = try GitFixture()
        try fixture.commit("first")
        try fixture.git("checkout --quiet -b topic")
        #expect(try Repository(path: fixture.root).headBranchName == "topic")

        try fixture.git("checkout --quiet --detach")
        let detached = try Repository(path: fixture.root)
        #expect(detached.headBranchName == nil)
        #expect(detached.defaultBranchName == "main")
    }

    @Test("the default branch is origin/HEAD's branch, whatever is checked out")
    func defaultFromOrigin() throws {
        let origin = try GitFixture()
        try origin.commit("first")
        try origin.git("checkout --quiet -b develop")
        let clonePath = origin.sandbox + "/clone"
        try origin.git(["clone", "--quiet", origin.root, clonePath])
        try origin.git(["checkout", "--quiet", "-b", "topic"], in: clonePath)

        let clone = try Repository(path: clonePath)

        #expect(clone.headBranchName == "topic")
        #expect(clone.defaultBranchName == "develop")
    }

    @Test("without a remote the default branch is HEAD's branch")
    func defaultWithoutRemote() throws {
        let fixture = try GitFixture()
        try fixture.commit("first")
        try fixture.git("checkout --quiet -b trunk")

        #expect(try Repository(path: fixture.root).defaultBranchName == "trunk")
    }
}
