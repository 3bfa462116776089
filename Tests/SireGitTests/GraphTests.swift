import Foundation
import SireTestSupport
import Testing

@testable import SireGit

@Suite("Ancestry")
struct GraphTests {
    /// `a - b - c` on main and `a - d` on side; `orphan` shares nothing.
    private func makeRepository() async throws -> (GitFixture, [String: ObjectID]) {
        let fixture = try await GitFixture()
        var ids: [String: ObjectID] = [:]
        ids["a"] = ObjectID(try await fixture.commit("a"))
        ids["b"] = ObjectID(try await fixture.commit("b"))
        ids["c"] = ObjectID(try await fixture.commit("c"))
        try await fixture.git("checkout --quiet -b side HEAD~2")
        ids["d"] = ObjectID(try await fixture.commit("d"))
        try await fixture.git("checkout --quiet --orphan lonely")
        ids["orphan"] = ObjectID(try await fixture.commit("orphan"))
        return (fixture, ids)
    }

    @Test("ancestry follows parents, counts a commit as its own ancestor, and not siblings")
    func isAncestor() async throws {
        let (fixture, ids) = try await makeRepository()
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
    func mergeBase() async throws {
        let (fixture, ids) = try await makeRepository()
        let repository = try Repository(path: fixture.root)

        #expect(try repository.mergeBase(ids["c"]!, ids["d"]!) == ids["a"])
        #expect(try repository.mergeBase(ids["b"]!, ids["c"]!) == ids["b"])
        #expect(try repository.mergeBase(ids["c"]!, ids["orphan"]!) == nil)
    }

    @Test("ancestry questions about unknown commits are errors, not answers")
    func unknownCommit() async throws {
        let (fixture, ids) = try await makeRepository()
        let repository = try Repository(path: fixture.root)
        let bogus = try #require(ObjectID(String(repeating: "0123456789", count: 4)))

        #expect(throws: GitError.self) { try repository.isAncestor(bogus, of: bogus) }
        #expect(throws: GitError.self) { try repository.isAncestor(bogus, of: ids["c"]!) }
        #expect(throws: GitError.self) { try repository.mergeBase(bogus, ids["c"]!) }
    }
}
