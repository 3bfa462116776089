import Foundation
import SireTestSupport
import Testing

@testable import SireGit

@Suite("Notes merge and remotes")
struct NotesMergeTests {
    static let runs = "refs/notes/sire/runs"
    static let other = "refs/notes/sire-remote/origin/runs"
    static let author = (name: "Sire", email: "sire@example.com")

    @Test("diverged notes merge into the union, descending from both sides")
    func unionOfDivergedNotes() async throws {
        let fixture = try await GitFixture()
        let first = try #require(ObjectID(try await fixture.commit("one")))
        let second = try #require(ObjectID(try await fixture.commit("two")))
        let repository = try Repository(path: fixture.root)
        let shared = try repository.appendNotes([first: ["shared"]], ref: Self.runs, author: Self.author, message: "s")
        try repository.setReference(Self.other, to: shared, message: "test")
        let theirs = try repository.appendNotes(
            [first: ["theirs"], second: ["theirs 2"]], ref: Self.other, author: Self.author, message: "t")
        let ours = try repository.appendNotes([first: ["ours"]], ref: Self.runs, author: Self.author, message: "o")

        let outcome = try repository.mergeNotes(from: Self.other, into: Self.runs, author: Self.author, message: "m")

        #expect(outcome == .merged(notes: 2))
        #expect(try repository.notes(for: first, ref: Self.runs) == ["shared", "ours", "theirs"])
        #expect(try repository.notes(for: second, ref: Self.runs) == ["theirs 2"])
        let merged = try #require(try repository.referenceTarget(Self.runs))
        #expect(try repository.commit(merged).parents == [ours, theirs])
        #expect(
            try repository.mergeNotes(from: Self.other, into: Self.runs, author: Self.author, message: "m") == .upToDate
        )
        #expect(try await fixture.git("notes --ref=sire/runs show \(first)") == "shared\nours\ntheirs")
        #expect(try repository.referenceNames(matching: "refs/notes/sire-merge/*").isEmpty)
    }

    @Test("a missing target is fast-forwarded to the source")
    func fastForward() async throws {
        let fixture = try await GitFixture()
        let first = try #require(ObjectID(try await fixture.commit("one")))
        let repository = try Repository(path: fixture.root)
        let theirs = try repository.appendNotes([first: ["a"]], ref: Self.other, author: Self.author, message: "t")
        #expect(
            try repository.mergeNotes(from: Self.other, into: Self.runs, author: Self.author, message: "m")
                == .fastForwarded)
        #expect(try repository.referenceTarget(Self.runs) == theirs)
    }

    @Test("fetch by path and a refused non-fast-forward push surface as typed errors")
    func remotes() async throws {
        let fixture = try await GitFixture()
        let first = try #require(ObjectID(try await fixture.commit("one")))
        let remote = fixture.sandbox + "/remote.git"
        try await fixture.git(["init", "--quiet", "--bare", remote], in: fixture.sandbox)
        let repository = try Repository(path: fixture.root)
        try repository.appendNotes([first: ["a"]], ref: Self.runs, author: Self.author, message: "a")
        try repository.push(remote: remote, refspecs: ["\(Self.runs):\(Self.runs)"])
        #expect(
            try await fixture.git(["rev-parse", Self.runs], in: remote)
                == (try await fixture.git("rev-parse \(Self.runs)")))

        // Someone else's history: a push must not replace it.
        let elsewhere = try await GitFixture()
        let stranger = try Repository(path: elsewhere.root)
        try await elsewhere.commit("x")
        let foreign = try stranger.appendNotes([first: ["b"]], ref: Self.runs, author: Self.author, message: "b")
        try stranger.push(remote: remote, refspecs: ["+\(Self.runs):\(Self.runs)"])
        try repository.appendNotes([first: ["c"]], ref: Self.runs, author: Self.author, message: "c")
        let refused = #expect(throws: GitError.self) {
            try repository.push(remote: remote, refspecs: ["\(Self.runs):\(Self.runs)"])
        }
        #expect(refused?.code == .nonFastForward)

        try repository.fetch(remote: remote, refspecs: ["+refs/notes/sire/*:refs/notes/sire-remote/origin/*"])
        #expect(try repository.referenceTarget(Self.other) == foreign)
        #expect(throws: GitError.self) { try repository.fetch(remote: "nosuchremote", refspecs: []) }
    }
}
