import Foundation
import SireTestSupport
import Testing

@testable import SireGit

/// ```
/// m0 - m1 - m2 - m3 ----- M   (main)
///             \          /
///              t0 - t1 -'     (topic)
/// ```
private struct MergedHistory {
    let fixture: GitFixture
    let ids: [String: String]

    init() async throws {
        fixture = try await GitFixture()
        var ids: [String: String] = [:]
        for name in ["m0", "m1", "m2"] {
            try fixture.write("main.txt", name)
            ids[name] = try await fixture.commit(name)
        }
        try await fixture.git("checkout --quiet -b topic")
        for name in ["t0", "t1"] {
            try fixture.write("topic.txt", name)
            ids[name] = try await fixture.commit(name)
        }
        try await fixture.git("checkout --quiet main")
        try fixture.write("main.txt", "m3")
        ids["m3"] = try await fixture.commit("m3")
        try await fixture.git(["merge", "--quiet", "--no-ff", "-m", "M", "topic"])
        ids["M"] = try await fixture.git("rev-parse HEAD")
        self.ids = ids
    }

    func names(_ commits: [CommitInfo]) -> [String] {
        commits.map { commit in ids.first { $0.value == commit.id.description }?.key ?? "?" }
    }
}

@Suite("Walking history")
struct LogTests {
    @Test("the full log lists every commit once, each before its parents")
    func fullLog() async throws {
        let history = try await MergedHistory()
        let repository = try Repository(path: history.fixture.root)

        let log = try repository.log(from: "main")

        let names = history.names(log)
        #expect(Set(names) == ["m0", "m1", "m2", "m3", "t0", "t1", "M"])
        #expect(names.count == 7)
        #expect(names.first == "M")
        for (index, commit) in log.enumerated() {
            let later = log[index...].map(\.id)
            #expect(
                commit.parents.allSatisfy { later.contains($0) }, "\(names[index]) after a parent")
        }
        #expect(log.first?.isMerge == true)
    }

    @Test("limits cut the walk short", arguments: [0, 1, 2, 7, 50])
    func limits(limit: Int) async throws {
        let history = try await MergedHistory()
        let repository = try Repository(path: history.fixture.root)

        let all = try repository.log(from: "HEAD")
        let limited = try repository.log(from: "HEAD", limit: limit)

        #expect(limited == Array(all.prefix(limit)))
    }

    @Test("first-parent follows the mainline through merges")
    func firstParent() async throws {
        let history = try await MergedHistory()
        let repository = try Repository(path: history.fixture.root)

        let log = try repository.log(from: "main", firstParent: true)

        #expect(history.names(log) == ["M", "m3", "m2", "m1", "m0"])
    }

    @Test("excluding a revision leaves out everything it reaches")
    func excluding() async throws {
        let history = try await MergedHistory()
        let repository = try Repository(path: history.fixture.root)

        #expect(history.names(try repository.log(from: "main", excluding: "topic")) == ["M", "m3"])
        #expect(try repository.log(from: "topic", excluding: "main").isEmpty)
    }

    @Test(
        "range strings select what git log would",
        arguments: [
            ("main~1..topic", ["t1", "t0"]),
            ("topic..main", ["M", "m3"]),
            ("topic..", ["M", "m3"]),
            ("topic", ["t1", "t0", "m2", "m1", "m0"]),
            ("main~3..main~1", ["m3", "m2"]),
            ("main~2..main~1", ["m3"]),
        ])
    func ranges(range: String, expected: [String]) async throws {
        let history = try await MergedHistory()
        let repository = try Repository(path: history.fixture.root)

        #expect(history.names(try repository.log(range: range)) == expected)
    }

    @Test("a symmetric range lists both sides down to their merge base")
    func symmetricRange() async throws {
        let history = try await MergedHistory()
        let repository = try Repository(path: history.fixture.root)

        let names = history.names(try repository.log(range: "topic...main~1"))

        #expect(Set(names) == ["t0", "t1", "m3"])
        #expect(names.count == 3)
    }

    @Test("a range with an unknown side is not found")
    func unknownRange() async throws {
        let history = try await MergedHistory()
        let repository = try Repository(path: history.fixture.root)

        let error = #expect(throws: GitError.self) { try repository.log(range: "main..nosuch") }
        #expect(error?.code == .notFound)
        #expect(error?.description.hasPrefix("revision range 'main..nosuch' not found") == true)
        #expect(throws: GitError.self) { try repository.log(from: "nosuch") }
    }
}
