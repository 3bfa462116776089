import Foundation
import SireTestSupport
import Testing

@testable import SireGit

/// Crafted trees (made with `git mktree` and `git hash-object --literally`, as an attacker
/// would push them) are refused before anything is written, by checkouts and by the checks
/// the controller runs on a new commit.
@Suite("Trees no checkout may write")
struct UnsafeTreeTests {
    /// A repository whose `main` points at a commit of the tree `make` builds; `outside` is a
    /// directory beside it a crafted symlink may point at.
    private func repository(_ make: (GitFixture, _ blob: String, _ outside: String) async throws -> String)
        async throws -> (GitFixture, ObjectID, outside: String)
    {
        let fixture = try await GitFixture()
        let outside = fixture.sandbox + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try fixture.write("seed.txt", "pwned\n")
        let blob = try await fixture.git("hash-object -w seed.txt")
        let tree = try await make(fixture, blob, outside)
        let commit = try await fixture.git(["commit-tree", tree, "-m", "crafted"])
        try await fixture.git(["update-ref", "refs/heads/main", commit])
        return (fixture, try #require(ObjectID(commit)), outside)
    }

    private static func mktree(_ fixture: GitFixture, _ lines: [String]) async throws -> String {
        try await fixture.git(["mktree", "--missing"], input: lines.joined(separator: "\n") + "\n")
    }

    /// A tree object written byte for byte (names git's own commands refuse, like `a/b`).
    private static func rawTree(_ fixture: GitFixture, _ entries: [(mode: String, name: String, id: String)])
        async throws -> String
    {
        var bytes: [UInt8] = []
        for entry in entries {
            bytes += Array("\(entry.mode) \(entry.name)".utf8) + [0]
            var hex = Substring(entry.id)
            while !hex.isEmpty {
                bytes.append(UInt8(hex.prefix(2), radix: 16)!)
                hex = hex.dropFirst(2)
            }
        }
        let file = fixture.sandbox + "/raw-tree-\(UUID().uuidString)"
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return try await fixture.git(["hash-object", "-t", "tree", "-w", "--literally", file])
    }

    @Test("a '..' subtree three levels deep")
    func dotDot() async throws {
        let (fixture, commit, _) = try await repository { fixture, blob, _ in
            let leaf = try await Self.mktree(fixture, ["100644 blob \(blob)\tconfig"])
            let up = try await Self.mktree(fixture, ["040000 tree \(leaf)\t.."])
            let b = try await Self.mktree(fixture, ["040000 tree \(up)\tb"])
            return try await Self.mktree(fixture, ["040000 tree \(b)\ta"])
        }
        try await expectRefused(fixture, commit, path: "a/b/..", problem: "a '..' entry")
    }

    @Test("a name holding '/' after a symlink to a directory outside")
    func slashInName() async throws {
        let (fixture, commit, outside) = try await repository { fixture, blob, outside in
            let link = try await fixture.git(["hash-object", "-w", "--stdin"], input: outside)
            return try await Self.rawTree(fixture, [("120000", "lnk", link), ("100644", "lnk/x", blob)])
        }
        try await expectRefused(fixture, commit, path: "lnk/x", problem: "a name containing '/'")
        #expect(!FileManager.default.fileExists(atPath: outside + "/x"))
    }

    @Test("a symlink and a tree with the same name")
    func duplicateNames() async throws {
        let (fixture, commit, outside) = try await repository { fixture, blob, outside in
            let link = try await fixture.git(["hash-object", "-w", "--stdin"], input: outside)
            let inner = try await Self.mktree(fixture, ["100644 blob \(blob)\tx"])
            return try await Self.rawTree(fixture, [("120000", "dup", link), ("40000", "dup", inner)])
        }
        try await expectRefused(fixture, commit, path: "dup", problem: "a duplicate entry")
        #expect(!FileManager.default.fileExists(atPath: outside + "/x"))
    }

    @Test(
        ".git in the spellings file systems fold to it", arguments: [".git", ".GIT", ".Git. ", "git~1", ".g\u{200C}it"])
    func dotGit(_ name: String) async throws {
        let (fixture, commit, _) = try await repository { fixture, blob, _ in
            let hooks = try await Self.mktree(fixture, ["100755 blob \(blob)\tpost-checkout"])
            return try await Self.rawTree(fixture, [("40000", name, hooks)])
        }
        try await expectRefused(fixture, commit, path: name, problem: "a '.git' entry")
    }

    /// Refused by a checkout (nothing written) and by the per-commit check along its paths.
    private func expectRefused(
        _ fixture: GitFixture, _ commit: ObjectID, path: String, problem: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let repository = try Repository(path: fixture.root)
        let checkout = fixture.sandbox + "/checkout"
        let error = #expect(throws: GitError.self, sourceLocation: sourceLocation) {
            try repository.materialize(commit, into: checkout)
        }
        #expect(error?.code == .unsafePath, sourceLocation: sourceLocation)
        #expect(
            error?.message.contains("'\(path)' is \(problem)") == true, "\(String(describing: error))",
            sourceLocation: sourceLocation)
        let written = (try? FileManager.default.subpathsOfDirectory(atPath: checkout)) ?? []
        #expect(written.isEmpty, "written: \(written)", sourceLocation: sourceLocation)
        #expect(!FileManager.default.fileExists(atPath: fixture.root + "/.git/config/config"))
        #expect(throws: GitError.self, sourceLocation: sourceLocation) {
            try repository.checkEntries(along: [path + "/anything"], in: commit)
        }
    }
}
