import Foundation
import SireTestSupport
import Testing

@Suite("sire-git init")
struct InitCommandTests {
    @Test(
        "init scaffolds sire.yaml and workflows/hello.yaml that validate clean, in the tree and committed"
    )
    func scaffoldValidates() async throws {
        let repo = try await GitFixture()
        let result = try await repo.sire("init")
        #expect(result.status == 0, "\(result)")
        #expect(
            result.lines.prefix(2) == ["created sire.yaml", "created workflows/hello.yaml"],
            "\(result)")
        #expect(FileManager.default.fileExists(atPath: repo.root + "/sire.yaml"))
        #expect(FileManager.default.fileExists(atPath: repo.root + "/workflows/hello.yaml"))

        let workTree = try await repo.sire("validate")
        #expect(workTree.status == 0, "\(workTree)")
        #expect(workTree.lines == ["1 workflow valid"], "\(workTree)")

        let sha = try await repo.commit("scaffold")
        let committed = try await repo.sire("validate", "--rev", "HEAD")
        #expect(committed.status == 0, "\(committed)")
        #expect(committed.lines == ["1 workflow valid at \(sha.prefix(7))"], "\(committed)")

        let graph = try await repo.sire("graph", "hello")
        #expect(graph.status == 0, "\(graph)")
    }

    @Test("init from a subdirectory scaffolds at the repository root")
    func fromSubdirectory() async throws {
        let repo = try await GitFixture()
        try repo.write("docs/readme.md", "docs\n")
        let result = try await SireBinary.run(["init"], in: repo.root + "/docs")
        #expect(result.status == 0, "\(result)")
        #expect(FileManager.default.fileExists(atPath: repo.root + "/sire.yaml"))
        #expect(FileManager.default.fileExists(atPath: repo.root + "/workflows/hello.yaml"))
        #expect(!FileManager.default.fileExists(atPath: repo.root + "/docs/sire.yaml"))
    }

    @Test("running init twice refuses to overwrite (exit 2) and leaves edits alone")
    func refusesToOverwrite() async throws {
        let repo = try await GitFixture()
        #expect(try await repo.sire("init").status == 0)
        let edited = "workflows: [workflows]\n# mine\n"
        try repo.write("sire.yaml", edited)
        let again = try await repo.sire("init")
        #expect(again.status == 2, "\(again)")
        #expect(again.errorLines.count == 1, "\(again)")
        #expect(again.stderr.contains("already exists"), "\(again)")
        #expect(try String(contentsOfFile: repo.root + "/sire.yaml", encoding: .utf8) == edited)
    }

    @Test("an existing workflows/hello.yaml alone also stops init before it writes anything")
    func refusesWhenWorkflowExists() async throws {
        let repo = try await GitFixture()
        try repo.write("workflows/hello.yaml", Workflows.valid("hello"))
        let result = try await repo.sire("init")
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("hello.yaml"), "\(result)")
        #expect(!FileManager.default.fileExists(atPath: repo.root + "/sire.yaml"))
        #expect(
            try String(contentsOfFile: repo.root + "/workflows/hello.yaml", encoding: .utf8)
                == Workflows.valid("hello"))
    }
}
