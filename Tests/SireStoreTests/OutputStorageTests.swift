import Foundation
import SireCore
import SireStore
import Testing

/// Step outputs: inline up to 64 KiB, content-addressed artifacts above; and the output cache.
@Suite("Output storage") struct OutputStorageTests {
    /// A JSON string value whose encoding is exactly `bytes` long (two quotes around the text).
    func value(encodedSize bytes: Int) -> Value {
        .object(["text": .string(String(repeating: "a", count: bytes - #"{"text":""}"#.utf8.count))])
    }

    @Test("outputs up to 64 KiB stay inline; larger ones become artifacts that read back whole")
    func inlineOrArtifact() async throws {
        let fixture = try StoreFixture()
        try await fixture.insert(StoreFixture.run("run-1"), steps: ["small", "edge", "large"])
        let small = value(encodedSize: 100)
        let edge = value(encodedSize: 64 * 1024)
        let large = value(encodedSize: 64 * 1024 + 1)
        #expect(small.jsonString().utf8.count == 100)
        #expect(large.jsonString().utf8.count == 64 * 1024 + 1)

        let stored = try [small, edge, large].map { try fixture.store.prepareOutput($0) }
        guard case .inline = stored[0], case .inline = stored[1], case .artifact(let digest) = stored[2] else {
            Issue.record("unexpected storage: \(stored.map { "\($0)".prefix(30) })")
            return
        }
        #expect(digest == ArtifactStore.digest(Array(large.jsonString().utf8)))
        let file = "\(fixture.directory)/artifacts/\(digest.prefix(2))/\(digest.dropFirst(2))"
        #expect(FileManager.default.fileExists(atPath: file))

        try await fixture.store.transaction { tx in
            for (name, output) in zip(["small", "edge", "large"], stored) {
                try tx.saveStep(
                    StepRecord(runID: "run-1", stepID: name, status: .succeeded, attempts: 1, output: output))
            }
        }
        let reopened = try fixture.reopen()
        let values = try reopened.snapshot { tx in
            try tx.steps(of: "run-1").sorted { $0.stepID < $1.stepID }.map { try tx.value(of: $0.output!) }
        }
        #expect(values == [edge, large, small])
    }

    @Test("storing the same large output twice keeps one file")
    func artifactsAreDeduplicated() throws {
        let fixture = try StoreFixture()
        let large = value(encodedSize: 100_000)
        let first = try fixture.store.prepareOutput(large)
        let second = try fixture.store.prepareOutput(large)
        #expect(first == second)
        let files =
            FileManager.default.enumerator(atPath: "\(fixture.directory)/artifacts")?.allObjects
            .compactMap { $0 as? String }.filter { $0.contains("/") } ?? []
        #expect(files.count == 1, "artifact files: \(files)")
    }

    @Test("a missing artifact is an error, not an empty output")
    func missingArtifact() throws {
        let fixture = try StoreFixture()
        #expect(throws: StoreError.self) {
            try fixture.store.snapshot { tx in try tx.value(of: .artifact(String(repeating: "ab", count: 32))) }
        }
    }

    @Test("the cache returns an output until it expires")
    func cacheExpiry() async throws {
        let fixture = try StoreFixture()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        try await fixture.store.transaction { tx in
            try tx.cacheOutput("key", .inline(#"{"v":1}"#), expires: now + 60, now: now)
        }
        #expect(try fixture.store.snapshot { tx in try tx.cachedOutput("key", now: now + 59) } == .inline(#"{"v":1}"#))
        #expect(try fixture.store.snapshot { tx in try tx.cachedOutput("key", now: now + 60) } == nil)
        #expect(try fixture.store.snapshot { tx in try tx.cachedOutput("other", now: now) } == nil)
    }
}
