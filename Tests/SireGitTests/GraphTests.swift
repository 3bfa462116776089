import Foundation
import SireTestSupport
import Testing

@testable import SireGit

@Suite("Ancestry")
struct GraphTests {
    /// `a - b - c` on main and `a - d` on side; `orphan` shares nothing.
    private func makeRepository() throws -> (GitFixture, [String: ObjectID]) {
        let fixture = try GitFixture()
        var ids: [String: ObjectID] = [:]
        ids["a"] = ObjectID(try fixture.commit("a"))
        ids["b"] = ObjectID(try fixture.commit("b"))
        ids["c"] = ObjectID(try fixture.commit("c"))
        try fixture.git("checkout --quiet -b side HEAD~2")
        ids["d"] = ObjectID(try fixture.commit("d"))
        try fixture.git("checkout --quiet --orphan lonely")
        ids["orphan"] = ObjectID(try fixture.commit("orphan"))
        return (fixture, ids)
    }

    @Test("ancestry follows parents, counts a commit as its own ancestor, and not siblings")
    func isAncestor() throws {
        let (fixture, ids) = try makeRepository()
        let repository = try Repository(path: fixture.root)
        let id = { (name: String) in ids[name]! }

        #expect(try repository.isAncestor(id("a"), of: id("c")))
        #expect(try repository.isAncestor(id("b"), of: id("c")))
        #expect(try !repository.isAncestor(id("c"), of: id("a")))
        #expect(try !repository.isAncestor(id("d"), of: id("c")))
        #expect(try repository.isAncestor(id("c"), of: id("c")))
        #expect(try !repository.isAncestor(id("orphan"), of: id("c")))
    }

    @Test("the merge base is the fork point, and nil for unrelated histories")
    func mergeBase() throws {
        let (fixture, ids) = try makeRepository()
        let repository = try Repository(path: fixture.root)

        #expect(try repository.mergeBase(ids["c"]!, ids["d"]!) == ids["a"])
        #expect(try repository.mergeBase(ids["b"]!, ids["c"]!) == ids["b"])
        #expect(try repository.mergeBase(ids["c"]!, ids["orphan"]!) == nil)
    }

    @Test("ancestry questions about unknown commits are errors, not answers")
    func unknownCommit() throws {
        let (fixture, ids) = try makeRepository()
        let repository = try Repository(path: fixture.root)
        let bogus = try #require(ObjectID(String(repeating: "0123456789", count: 4)))

        #expect(throws: GitError.self) { try repository.isAncestor(bogus, of: bogus) }
        #expect(throws: GitError.self) { try repository.isAncestor(bogus, of: ids["c"]!) }
        #expect(throws: GitError.self) { try repository.mergeBase(bogus, ids["c"]!) }
    }
}
