import Foundation
import SireTestSupport
import Synchronization
import Testing

@testable import SireGit

@Suite("Notes ledger")
struct NotesTests {
    static let runs = "refs/notes/sire/runs"
    static let author = (name: "Sire", email: "sire@example.com")

    /// A fixture with `count` commits, oldest first.
    static func repository(commits count: Int) async throws -> (GitFixture, [ObjectID]) {
        let fixture = try await GitFixture()
        var commits: [ObjectID] = []
        for index in 0..<count {
            commits.append(try #require(ObjectID(try await fixture.commit("commit \(index)"))))
        }
        return (fixture, commits)
    }

    @Test("stock git reads appended notes, stored in the 2/38 fan-out")
    func stockGitReads() async throws {
        let (fixture, commits) = try await Self.repository(commits: 2)
        let repository = try Repository(path: fixture.root)
        let first = #"{"v":1,"kind":"run","run":"r1"}"#
        let second = #"{"v":1,"kind":"run","run":"r2"}"#

        let notesCommit = try repository.appendNotes(
            [commits[0]: [first, second], commits[1]: [first]], ref: Self.runs,
            author: Self.author, message: "runs")

        #expect(try await fixture.git("rev-parse \(Self.runs)") == notesCommit.description)
        #expect(
            try await fixture.git("notes --ref=sire/runs show \(commits[0])") == "\(first)\n\(second)")
        #expect(try await fixture.git("notes --ref=sire/runs show \(commits[1])") == first)
        let log = try await fixture.git(["log", "--notes=sire/runs", "-1", commits[1].description])
        #expect(log.contains("Notes (sire/runs):"))
        #expect(log.contains(first))

        let paths = try await fixture.git("ls-tree -r --name-only \(Self.runs)")
            .split(separator: "\n").map(String.init)
        let expected = commits.map { id in
            let hex = id.description
            return "\(hex.prefix(2))/\(hex.dropFirst(2))"
        }
        #expect(paths.sorted() == expected.sorted())

        #expect(try repository.notes(for: commits[0], ref: Self.runs) == [first, second])
        #expect(try repository.notedCommits(ref: Self.runs) == commits.sorted())
    }

    @Test("each notes write is one pack: no loose objects pile up, and git fsck --strict is clean")
    func writesArePacks() async throws {
        let (fixture, commits) = try await Self.repository(commits: 3)
        let repository = try Repository(path: fixture.root)
        let objects = fixture.root + "/.git/objects"
        func loose() -> Int {
            ((try? FileManager.default.contentsOfDirectory(atPath: objects)) ?? []).filter { $0.count == 2 }
                .reduce(0) {
                    $0 + ((try? FileManager.default.contentsOfDirectory(atPath: objects + "/" + $1))?.count ?? 0)
                }
        }
        let before = loose()
        for batch in 0..<20 {
            try repository.appendNotes(
                [commits[batch % 3]: ["{\"run\":\"r\(batch)\"}"]], ref: Self.runs, author: Self.author,
                message: "batch \(batch)")
        }
        #expect(loose() == before, "the ledger left loose objects")
        let packs = try FileManager.default.contentsOfDirectory(atPath: objects + "/pack").filter {
            $0.hasSuffix(".pack")
        }
        #expect(packs.count == 20, "\(packs)")
        #expect(try repository.notes(for: commits[0], ref: Self.runs).count == 7)
        let fsck = try await fixture.git(["fsck", "--strict", "--no-progress"])
        #expect(fsck.isEmpty, "\(fsck)")
        let shown = try await fixture.git(["notes", "--ref=sire/runs", "show", commits[1].description])
        #expect(shown.contains("r19"), "\(shown)")
    }

    @Test("a write packs only what it changed, however many notes the tree holds")
    func packsHoldOnlyChanges() async throws {
        let (fixture, commits) = try await Self.repository(commits: 60)
        let repository = try Repository(path: fixture.root)
        try repository.appendNotes(
            Dictionary(uniqueKeysWithValues: commits.map { ($0, ["{\"run\":\"first \($0)\"}"]) }), ref: Self.runs,
            author: Self.author, message: "everything")
        let packDirectory = fixture.root + "/.git/objects/pack"
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: packDirectory))
        try repository.appendNotes(
            [commits[0]: ["{\"run\":\"second\"}"]], ref: Self.runs, author: Self.author, message: "one")
        let index = try #require(
            Set(try FileManager.default.contentsOfDirectory(atPath: packDirectory)).subtracting(before).first {
                $0.hasSuffix(".idx")
            })
        // The note's blob, its fan-out tree, the root tree and the notes commit: not the other 59 notes.
        let listed = try await fixture.git(["verify-pack", "-v", packDirectory + "/" + index])
        let objects = listed.split(separator: "\n").filter {
            $0.contains(" blob ") || $0.contains(" tree ") || $0.contains(" commit ")
        }
        #expect(objects.count == 4, "\(listed)")
        #expect(try await fixture.git(["fsck", "--strict", "--no-progress"]).isEmpty)
    }

    @Test("appending keeps earlier lines, adds new ones once, and chains notes commits")
    func appendMerges() async throws {
        let (fixture, commits) = try await Self.repository(commits: 1)
        let repository = try Repository(path: fixture.root)
        let commit = commits[0]

        let first = try repository.appendNotes(
            [commit: ["a", "b"]], ref: Self.runs, author: Self.author, message: "one")
        let second = try repository.appendNotes(
            [commit: ["b", "c", "c"]], ref: Self.runs, author: Self.author, message: "two")

        #expect(try repository.notes(for: commit, ref: Self.runs) == ["a", "b", "c"])
        #expect(try await fixture.git("notes --ref=sire/runs show \(commit)") == "a\nb\nc")
        #expect(try await fixture.git("rev-parse \(Self.runs)^") == first.description)

        let unchanged = try repository.appendNotes(
            [commit: ["a", "c"]], ref: Self.runs, author: Self.author, message: "three")
        #expect(unchanged == second)
        #expect(try await fixture.git("rev-parse \(Self.runs)") == second.description)
    }

    @Test("a flat note written by stock git is merged and moved into the fan-out")
    func mergesStockGitNote() async throws {
        let (fixture, commits) = try await Self.repository(commits: 2)
        try await fixture.git(["notes", "--ref=sire/runs", "add", "-m", "old", commits[0].description])
        let repository = try Repository(path: fixture.root)
        let flatPaths = try await fixture.git("ls-tree -r --name-only \(Self.runs)")
        #expect(flatPaths == commits[0].description)  // stock git writes small notes trees flat
        #expect(try repository.notes(for: commits[0], ref: Self.runs) == ["old"])
        #expect(try repository.notedCommits(ref: Self.runs) == [commits[0]])

        try repository.appendNotes(
            [commits[0]: ["old", "new"], commits[1]: ["other"]], ref: Self.runs,
            author: Self.author, message: "append")

        #expect(try await fixture.git("notes --ref=sire/runs show \(commits[0])") == "old\nnew")
        #expect(try repository.notes(for: commits[0], ref: Self.runs) == ["old", "new"])
        let paths = try await fixture.git("ls-tree -r --name-only \(Self.runs)").split(separator: "\n")
        #expect(paths.count == 2)
        #expect(paths.allSatisfy { $0.count == 41 && $0.dropFirst(2).first == "/" })
        #expect(try repository.notedCommits(ref: Self.runs) == commits.sorted())
    }

    @Test("a missing notes ref reads as no notes")
    func missingRef() async throws {
        let (fixture, commits) = try await Self.repository(commits: 1)
        let repository = try Repository(path: fixture.root)
        #expect(try repository.notes(for: commits[0], ref: Self.runs).isEmpty)
        #expect(try repository.notedCommits(ref: Self.runs).isEmpty)
        #expect(
            try repository.appendNotes(
                [commits[0]: ["", "  "]], ref: Self.runs, author: Self.author, message: "none")
                == .zero)
        await #expect(throws: (any Error).self) { try await fixture.git("rev-parse --verify \(Self.runs)") }
    }

    @Test("the two ledgers are separate refs")
    func separateRefs() async throws {
        let (fixture, commits) = try await Self.repository(commits: 1)
        let repository = try Repository(path: fixture.root)
        try repository.appendNotes(
            [commits[0]: ["run"]], ref: Self.runs, author: Self.author, message: "r")
        try repository.appendNotes(
            [commits[0]: ["check"]], ref: "refs/notes/sire/checks", author: Self.author,
            message: "c")
        #expect(try repository.notes(for: commits[0], ref: Self.runs) == ["run"])
        #expect(try await fixture.git("notes --ref=sire/checks show \(commits[0])") == "check")
    }

    @Test("concurrent writers with their own handles lose no line")
    func concurrentWriters() async throws {
        let (fixture, commits) = try await Self.repository(commits: 8)
        let root = fixture.root
        let failures = Failures()
        let group = DispatchGroup()
        for writer in 0..<4 {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                do {
                    let repository = try Repository(path: root)
                    for index in 0..<100 {
                        // Writers overlap on commits so merges of one note race too.
                        let commit = commits[(writer * 3 + index) % commits.count]
                        try repository.appendNotes(
                            [commit: [#"{"writer":\#(writer),"n":\#(index)}"#]],
                            ref: Self.runs, author: Self.author, message: "w\(writer) #\(index)")
                    }
                } catch {
                    failures.list.withLock { $0.append("writer \(writer): \(error)") }
                }
            }
            thread.start()
        }
        group.wait()
        #expect(failures.list.withLock { $0 } == [])

        let repository = try Repository(path: root)
        var lines: [String] = []
        for commit in try repository.notedCommits(ref: Self.runs) {
            lines += try repository.notes(for: commit, ref: Self.runs)
        }
        #expect(lines.count == 400)
        #expect(Set(lines).count == 400)
        let history = try await fixture.git("rev-list --count \(Self.runs)")
        #expect(history == "400")
    }
}

/// Errors from writer threads, gathered for the test's thread to check.
private final class Failures: Sendable {
    let list = Mutex<[String]>([])
}
