import Foundation
import SireTestSupport
import Testing

/// Every workflow in `workflows.example/` runs to the result its header documents.
@Suite("workflows.example runs as documented", .serialized)
struct ExampleRunTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("workflows.example")

    static func repository() async throws -> GitFixture {
        let repo = try await GitFixture()
        for name in try FileManager.default.contentsOfDirectory(atPath: examples.path) where name.hasSuffix(".yaml") {
            try repo.write(
                "workflows/" + name, String(contentsOf: examples.appendingPathComponent(name), encoding: .utf8))
        }
        try repo.write("data/a.csv", "x\n")
        try repo.write("data/b.csv", "y\n")
        try await repo.commit("examples")
        return repo
    }

    static func run(_ repo: GitFixture, _ id: String) async throws -> (
        status: Int32, run: [String: Any], steps: [String: [String: Any]]
    ) {
        let result = try await repo.sire("run", id, "--json")
        let run = try result.jsonObject()
        return (result.status, run, try #require(run["steps"] as? [String: [String: Any]], "\(result)"))
    }

    static func logs(_ repo: GitFixture, _ run: [String: Any]) async throws -> String {
        try await repo.sire("runs", "logs", try #require(run["id"] as? String)).stdout
    }

    @Test func hello() async throws {
        let repo = try await Self.repository()
        let (status, run, _) = try await Self.run(repo, "hello")
        #expect(status == 0)
        let short = String(try await repo.git("rev-parse HEAD").prefix(7))
        #expect(try await Self.logs(repo, run).contains("hello, world from \(short)"))
    }

    @Test func fanout() async throws {
        let repo = try await Self.repository()
        let (status, _, steps) = try await Self.run(repo, "fanout")
        #expect(status == 0)
        #expect((steps["double"]?["output"] as? [String: Any])?["result"] as? [Int] == [2, 4, 6, 8])
        let announced = try #require(steps["announce"]?["output"] as? [[String: Any]])
        #expect(announced.map { $0["message"] as? String } == ["eu #0: 2", "eu #1: 4", "eu #2: 6", "eu #3: 8"])
    }

    @Test func resilient() async throws {
        let repo = try await Self.repository()
        let (status, run, steps) = try await Self.run(repo, "resilient")
        #expect(status == 0)
        #expect(run["status"] as? String == "succeeded")
        #expect(steps["flaky"]?["status"] as? String == "failed")
        #expect(steps["flaky"]?["attempts"] as? Int == 3)
        #expect(steps["cleanup"]?["status"] as? String == "succeeded")
        #expect(steps["optional"]?["status"] as? String == "failed")
        #expect(steps["summary"]?["status"] as? String == "succeeded")
        #expect(try await Self.logs(repo, run).contains("flaky failed after 3 attempts"))
    }

    @Test func sireFormat() async throws {
        let repo = try await Self.repository()
        let (status, run, _) = try await Self.run(repo, "sire-format")
        #expect(status == 0)
        #expect(try await Self.logs(repo, run).contains("2 lines, first: alpha"))
    }

    @Test func pollAndCache() async throws {
        let repo = try await Self.repository()
        let (status, _, steps) = try await Self.run(repo, "poll")
        #expect(status == 0)
        #expect(((steps["wait"]?["output"] as? [String: Any])?["stdout_json"] as? [String: Any])?["count"] as? Int == 3)
        let (again, second, _) = try await Self.run(repo, "poll")
        #expect(again == 0)
        let events = try await repo.sire("runs", "logs", try #require(second["id"] as? String), "--json").stdout
        #expect(events.contains("\"kind\":\"step.cached\""), "the second run should reuse `expensive` from the cache")
    }

    @Test func onPush() async throws {
        let repo = try await Self.repository()
        let (status, _, steps) = try await Self.run(repo, "on-push")
        #expect(status == 0)
        #expect((steps["list"]?["output"] as? [String: Any])?["count"] as? Int == 2)
        #expect((steps["summary"]?["output"] as? [String: Any])?["path"] as? String == "reports/latest.txt")
    }
}
