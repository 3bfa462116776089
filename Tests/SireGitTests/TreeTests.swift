import Foundation
import SireTestSupport
import Testing

@testable import SireGit

@Suite("Reading trees and blobs")
struct TreeTests {
    /// A first commit with workflows and other files, then a second commit and an uncommitted
    /// work tree that both differ from it.
    private func makeRepository() async throws -> (GitFixture, first: ObjectID) {
        let fixture = try await GitFixture()
        try fixture.write("workflows/build.yaml", "name: build\n")
        try fixture.write("workflows/nested/deploy.yaml", "name: deploy\n")
        try fixture.write("workflows-old/legacy.yaml", "name: legacy\n")
        try fixture.write("docs/readme.md", "# docs\n")
        try fixture.write("run.sh", "#!/bin/sh\necho hi\n")
        try FileManager.default.setAttributes(
            [.posixPermissions: 0o755], ofItemAtPath: fixture.root + "/run.sh")
        let first = try #require(ObjectID(try await fixture.commit("first")))
        try fixture.remove("workflows/build.yaml")
        try fixture.write("workflows/test.yaml", "name: test\n")
        try await fixture.commit("second")
        try fixture.write("workflows/uncommitted.yaml", "name: draft\n")
        try fixture.write("workflows/nested/deploy.yaml", "name: edited in the work tree\n")
        return (fixture, first)
    }

    @Test("files under a directory come from the commit's tree, not the work tree or HEAD")
    func filesAtOldCommit() async throws {
        let (fixture, first) = try await makeRepository()
        let repository = try Repository(path: fixture.root)

        let files = try repository.files(in: first, under: ["workflows"])

        #expect(files.map(\.path) == ["workflows/build.yaml", "workflows/nested/deploy.yaml"])
        let deploy = try #require(files.last)
        #expect(
            deploy.blob.description
                == (try await fixture.git("rev-parse \(first):workflows/nested/deploy.yaml")))
        #expect(deploy.mode == .regular)
        #expect(
            String(decoding: try repository.blob(deploy.blob), as: UTF8.self) == "name: deploy\n")
    }

    @Test(
        "directory selection",
        arguments: [
            (
                [""],
                [
                    "docs/readme.md", "run.sh", "workflows-old/legacy.yaml", "workflows/build.yaml",
                    "workflows/nested/deploy.yaml",
                ]
            ),
            (
                ["."],
                [
                    "docs/readme.md", "run.sh", "workflows-old/legacy.yaml", "workflows/build.yaml",
                    "workflows/nested/deploy.yaml",
                ]
            ),
            (
                ["workflows/", "./docs"],
                ["docs/readme.md", "workflows/build.yaml", "workflows/nested/deploy.yaml"]
            ),
            (
                ["workflows", "workflows/nested"],
                ["workflows/build.yaml", "workflows/nested/deploy.yaml"]
            ),
            (["workflows/nested"], ["workflows/nested/deploy.yaml"]),
            (["missing", "run.sh"], []),
            ([], []),
        ])
    func directorySelection(directories: [String], expected: [String]) async throws {
        let (fixture, first) = try await makeRepository()
        let repository = try Repository(path: fixture.root)

        #expect(try repository.files(in: first, under: directories).map(\.path) == expected)
    }

    @Test("file(at:) finds files with their mode and returns nil for directories and missing paths")
    func fileAtPath() async throws {
        let (fixture, first) = try await makeRepository()
        let repository = try Repository(path: fixture.root)

        let script = try #require(try repository.file(at: "run.sh", in: first))
        #expect(script.mode == .executable)
        #expect(script.path == "run.sh")
        #expect(
            try repository.file(at: "workflows/build.yaml", in: first)?.path
                == "workflows/build.yaml")
        #expect(try repository.file(at: "workflows", in: first) == nil)
        #expect(try repository.file(at: "workflows/test.yaml", in: first) == nil)
        let head = try repository.resolveCommit("HEAD").id
        #expect(try repository.file(at: "workflows/test.yaml", in: head) != nil)
        #expect(try repository.file(at: "workflows/uncommitted.yaml", in: head) == nil)
    }

    @Test("blob content is copied out byte for byte, and its size matches")
    func blobContent() async throws {
        let fixture = try await GitFixture()
        let text = "héllo, wörld ✓\nsecond line\n"
        try fixture.write("unicode.txt", text)
        let commit = try #require(ObjectID(try await fixture.commit("unicode")))
        let repository = try Repository(path: fixture.root)

        let file = try #require(try repository.file(at: "unicode.txt", in: commit))

        #expect(try repository.blob(file.blob) == Array(text.utf8))
        #expect(try repository.blobSize(file.blob) == text.utf8.count)
    }

    @Test("an empty file is an empty blob")
    func emptyBlob() async throws {
        let fixture = try await GitFixture()
        try fixture.write("empty", "")
        let commit = try #require(ObjectID(try await fixture.commit("empty")))
        let repository = try Repository(path: fixture.root)

        let file = try #require(try repository.file(at: "empty", in: commit))

        #expect(try repository.blob(file.blob).isEmpty)
    }

    @Test("listing files of a commit that does not exist is a not-found error")
    func missingCommit() async throws {
        let fixture = try await GitFixture()
        try await fixture.commit("empty")
        let repository = try Repository(path: fixture.root)
        let bogus = try #require(ObjectID(String(repeating: "ab", count: 20)))

        let error = #expect(throws: GitError.self) { try repository.files(in: bogus, under: [""]) }
        #expect(error?.code == .notFound)
        #expect(error?.description.contains(bogus.description) == true)
        #expect(throws: GitError.self) { try repository.blob(bogus) }
    }
}
