import Foundation
import SireTestSupport
import Testing

@testable import SireGit

/// Three commits on `main` (c0, c1, c2), a lightweight tag `v0` on c0, an annotated tag `v1`
/// on c1, and a branch `feature` with one commit (f0) on top of c1.
private struct History {
    let fixture: GitFixture
    let commits: [String]
    let feature: String

    init() async throws {
        fixture = try await GitFixture()
        var commits: [String] = []
        try fixture.write("README.md", "zero\n")
        commits.append(try await fixture.commit("c0"))
        try await fixture.git("tag v0")
        try fixture.write("README.md", "one\n")
        commits.append(try await fixture.commit("c1"))
        try await fixture.git(["tag", "-a", "v1", "-m", "release one"])
        try await fixture.git("checkout --quiet -b feature")
        try fixture.write("feature.txt", "feature\n")
        feature = try await fixture.commit("f0")
        try await fixture.git("checkout --quiet main")
        try fixture.write("README.md", "two\n")
        commits.append(try await fixture.commit("c2"))
        self.commits = commits
    }

    func expected(_ name: String) -> String {
        name == "f0" ? feature : commits[Int(name.dropFirst())!]
    }
}

@Suite("Resolving revisions")
struct RevisionTests {
    @Test(
        "revision forms resolve to the commit git would pick",
        arguments: [
            ("HEAD", "c2"), ("main", "c2"), ("HEAD~2", "c0"), ("main^", "c1"), ("HEAD~1", "c1"),
            ("v0", "c0"), ("v1", "c1"), ("refs/tags/v1", "c1"), ("v1^{commit}", "c1"),
            ("feature", "f0"), ("feature~1", "c1"), ("refs/heads/feature", "f0"),
            (":/c1", "c1"),
        ])
    func revisionForms(revision: String, commit: String) async throws {
        let history = try await History()
        let repository = try Repository(path: history.fixture.root)

        let resolved = try repository.resolveCommit(revision)

        #expect(resolved.id.description == history.expected(commit))
    }

    @Test("full and abbreviated SHAs resolve, in either case")
    func shas() async throws {
        let history = try await History()
        let repository = try Repository(path: history.fixture.root)
        let sha = history.commits[1]

        #expect(try repository.resolveCommit(sha).id.description == sha)
        #expect(try repository.resolveCommit(String(sha.prefix(7))).id.description == sha)
        #expect(try repository.resolveCommit(sha.uppercased()).id.description == sha)
        #expect(try repository.commit(ObjectID(sha)!).summary == "c1")
    }

    @Test("commit metadata matches what git recorded")
    func commitMetadata() async throws {
        let fixture = try await GitFixture()
        try fixture.write("a.txt", "a\n")
        let first = try await fixture.commit("first")
        try fixture.write("a.txt", "b\n")
        let second = try await fixture.commit("Fix the build\nfor real\n\nLonger explanation.")
        let repository = try Repository(path: fixture.root)

        let commit = try repository.resolveCommit("HEAD")

        #expect(commit.id.description == second)
        #expect(commit.parents.map(\.description) == [first])
        #expect(commit.tree.description == (try await fixture.git("rev-parse HEAD^{tree}")))
        #expect(commit.summary == "Fix the build for real")
        #expect(commit.message == "Fix the build\nfor real\n\nLonger explanation.\n")
        #expect(commit.author.name == "Ada Author")
        #expect(commit.author.email == "ada@example.com")
        #expect(commit.committer.name == "Cy Committer")
        #expect(commit.committer.email == "cy@example.com")
        #expect(
            commit.author.date == Date(timeIntervalSince1970: TimeInterval(GitFixture.epoch + 120)))
        #expect(commit.author.timeZoneOffsetMinutes == 0)
        #expect(!commit.isMerge)
        #expect(try repository.resolveCommit(first).parents.isEmpty)
    }

    @Test("an unknown revision is not found, and the message names it and the repository")
    func notFound() async throws {
        let history = try await History()
        let repository = try Repository(path: history.fixture.root)

        let error = #expect(throws: GitError.self) { try repository.resolveCommit("nosuch") }

        #expect(error?.code == .notFound)
        #expect(error?.description == "revision 'nosuch' not found in \(history.fixture.root)")
        #expect(error?.function == "git_revparse_single")
    }

    @Test("an error never carries libgit2's message from an earlier failure")
    func noStaleMessage() async throws {
        let fixture = try await GitFixture()
        try await fixture.commit("only")
        let repository = try Repository(path: fixture.root)
        let earlier = #expect(throws: GitError.self) { try repository.resolveCommit("HEAD~9") }
        #expect(earlier?.libgit2Message != nil)

        // libgit2 fails "@{-1}" (no previous checkout) without setting a message of its own.
        let error = #expect(throws: GitError.self) { try repository.resolveCommit("@{-1}") }

        #expect(error?.code == .notFound)
        #expect(error?.libgit2Message == nil)
        #expect(error?.description == "revision '@{-1}' not found in \(fixture.root)")
    }

    @Test("going past the root commit is not found")
    func beyondRoot() async throws {
        let history = try await History()
        let repository = try Repository(path: history.fixture.root)

        let error = #expect(throws: GitError.self) { try repository.resolveCommit("HEAD~5") }

        #expect(error?.code == .notFound)
    }

    @Test("a revision naming a tree or blob is refused as not a commit")
    func notACommit() async throws {
        let history = try await History()
        let repository = try Repository(path: history.fixture.root)

        let error = #expect(throws: GitError.self) {
            try repository.resolveCommit("HEAD:README.md")
        }

        #expect(error?.code == .invalidSpec)
        #expect(
            error?.description
                == "revision 'HEAD:README.md' names a blob, not a commit, in \(history.fixture.root)"
        )
    }

    @Test("malformed revision syntax is an invalid spec")
    func malformed() async throws {
        let history = try await History()
        let repository = try Repository(path: history.fixture.root)

        let error = #expect(throws: GitError.self) { try repository.resolveCommit("HEAD@{") }

        #expect(error?.code == .invalidSpec)
        #expect(
            error?.description.hasPrefix(
                "revision 'HEAD@{' is not valid in \(history.fixture.root)") == true)
    }

    @Test("a short SHA shared by two objects is ambiguous")
    func ambiguousShortSHA() async throws {
        let fixture = try await GitFixture()
        // 1,000 deterministic blobs make a shared 4-hex prefix all but certain (and, being
        // deterministic, the same on every run).
        for index in 0..<1000 { try fixture.write("blobs/\(index).txt", "blob \(index)\n") }
        try await fixture.commit("many blobs")
        let ids = try await fixture.git("rev-list --objects --all").split(separator: "\n").map {
            String($0.prefix(40))
        }
        let prefix = try #require(
            Dictionary(grouping: ids, by: { String($0.prefix(4)) }).first { $0.value.count > 1 }?
                .key)
        let repository = try Repository(path: fixture.root)

        let error = #expect(throws: GitError.self) { try repository.resolveCommit(prefix) }

        #expect(error?.code == .ambiguous)
        #expect(error?.description.hasPrefix("revision '\(prefix)' is ambiguous") == true)
    }
}
