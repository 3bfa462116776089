import Foundation
import SireTestSupport
import Testing

@testable import SireGit

@Suite("Diffing commit trees")
struct DiffTests {
    @Test("added, modified, deleted and renamed files are reported with their blobs")
    func changeKinds() async throws {
        let fixture = try await GitFixture()
        try fixture.write("workflows/keep.yaml", "name: keep\n")
        try fixture.write("workflows/edit.yaml", "name: edit\n")
        try fixture.write("workflows/gone.yaml", "name: gone\n")
        try fixture.write(
            "workflows/old-name.yaml", "name: moved\nsteps:\n  - run: echo one\n  - run: echo two\n"
        )
        let old = try #require(ObjectID(try await fixture.commit("before")))
        try fixture.write("workflows/edit.yaml", "name: edited\n")
        try fixture.remove("workflows/gone.yaml")
        try fixture.remove("workflows/old-name.yaml")
        try fixture.write(
            "workflows/new-name.yaml", "name: moved\nsteps:\n  - run: echo one\n  - run: echo two\n"
        )
        try fixture.write("workflows/fresh.yaml", "name: fresh\n")
        let new = try #require(ObjectID(try await fixture.commit("after")))
        let repository = try Repository(path: fixture.root)

        let changes = try repository.diff(from: old, to: new)

        #expect(
            changes.map(\.path) == [
                "workflows/edit.yaml", "workflows/fresh.yaml", "workflows/gone.yaml",
                "workflows/new-name.yaml",
            ])
        #expect(changes.map(\.status) == [.modified, .added, .deleted, .renamed])
        let blob = { (rev: String) in ObjectID(try await fixture.git("rev-parse \(rev)")) }

        let edit = changes[0]
        #expect(edit.oldPath == "workflows/edit.yaml" && edit.newPath == "workflows/edit.yaml")
        #expect(edit.oldBlob == (try await blob("\(old):workflows/edit.yaml")))
        #expect(edit.newBlob == (try await blob("\(new):workflows/edit.yaml")))

        let fresh = changes[1]
        #expect(fresh.oldPath == nil && fresh.oldBlob == nil && fresh.oldMode == nil)
        #expect(fresh.newBlob == (try await blob("\(new):workflows/fresh.yaml")))
        #expect(fresh.newMode == .regular)

        let gone = changes[2]
        #expect(gone.newPath == nil && gone.newBlob == nil)
        #expect(gone.oldPath == "workflows/gone.yaml")

        let renamed = changes[3]
        #expect(renamed.oldPath == "workflows/old-name.yaml")
        #expect(renamed.newPath == "workflows/new-name.yaml")
        #expect(renamed.oldBlob == renamed.newBlob)
    }

    @Test("without rename detection a move is a deletion and an addition")
    func renamesOff() async throws {
        let fixture = try await GitFixture()
        try fixture.write("a.txt", "same content\n")
        let old = try #require(ObjectID(try await fixture.commit("before")))
        try await fixture.git("mv a.txt b.txt")
        let new = try #require(ObjectID(try await fixture.commit("after")))
        let repository = try Repository(path: fixture.root)

        #expect(try repository.diff(from: old, to: new).map(\.status) == [.renamed])
        let plain = try repository.diff(from: old, to: new, detectRenames: false)
        #expect(plain.map(\.status) == [.deleted, .added])
        #expect(plain.map(\.path) == ["a.txt", "b.txt"])
    }

    @Test("diffing from nothing lists every file as added")
    func fromEmptyTree() async throws {
        let fixture = try await GitFixture()
        try fixture.write("a.txt", "a\n")
        try fixture.write("dir/b.txt", "b\n")
        let commit = try #require(ObjectID(try await fixture.commit("root")))
        let repository = try Repository(path: fixture.root)

        let changes = try repository.diff(from: nil, to: commit)

        #expect(changes.map(\.path) == ["a.txt", "dir/b.txt"])
        #expect(changes.allSatisfy { $0.status == .added })
    }

    @Test("a path filter keeps only changes under those directories, literally")
    func pathFilter() async throws {
        let fixture = try await GitFixture()
        try fixture.write("workflows/a.yaml", "a\n")
        try fixture.write("workflows-old/b.yaml", "b\n")
        try fixture.write("docs/c.md", "c\n")
        let old = try #require(ObjectID(try await fixture.commit("before")))
        try fixture.write("workflows/a.yaml", "a2\n")
        try fixture.write("workflows/nested/d.yaml", "d\n")
        try fixture.write("workflows-old/b.yaml", "b2\n")
        try fixture.write("docs/c.md", "c2\n")
        try fixture.write("star*.txt", "glob-looking name\n")
        let new = try #require(ObjectID(try await fixture.commit("after")))
        let repository = try Repository(path: fixture.root)

        #expect(
            try repository.diff(from: old, to: new, paths: ["workflows"]).map(\.path) == [
                "workflows/a.yaml", "workflows/nested/d.yaml",
            ])
        #expect(
            try repository.diff(from: old, to: new, paths: ["workflows/", "docs/c.md"]).map(\.path)
                == [
                    "docs/c.md", "workflows/a.yaml", "workflows/nested/d.yaml",
                ])
        #expect(try repository.diff(from: old, to: new, paths: ["*.txt"]).isEmpty)
        #expect(try repository.diff(from: old, to: new, paths: ["docs", "."]).count == 5)
    }

    @Test("a file replaced by a symlink is a type change")
    func typeChange() async throws {
        let fixture = try await GitFixture()
        try fixture.write("target.txt", "target\n")
        try fixture.write("link", "was a file\n")
        let old = try #require(ObjectID(try await fixture.commit("file")))
        try fixture.remove("link")
        try FileManager.default.createSymbolicLink(
            atPath: fixture.root + "/link", withDestinationPath: "target.txt")
        let new = try #require(ObjectID(try await fixture.commit("symlink")))
        let repository = try Repository(path: fixture.root)

        let changes = try repository.diff(from: old, to: new)

        #expect(changes.map(\.status) == [.typeChange])
        #expect(changes.first?.oldMode == .regular)
        #expect(changes.first?.newMode == .symlink)
        let link = try #require(try repository.file(at: "link", in: new))
        #expect(try repository.blob(link.blob) == Array("target.txt".utf8))
    }

    @Test("identical commits have no changes")
    func noChanges() async throws {
        let fixture = try await GitFixture()
        try fixture.write("a.txt", "a\n")
        let old = try #require(ObjectID(try await fixture.commit("one")))
        let new = try #require(ObjectID(try await fixture.commit("empty follow-up")))
        let repository = try Repository(path: fixture.root)

        #expect(try repository.diff(from: old, to: new).isEmpty)
    }
}
