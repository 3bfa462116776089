import Foundation
import SireTestSupport
import Testing

/// Compiler bugs sire-git works around, each reproduced by a minimal program in
/// `fixtures/compiler/` built the way the release binary is (-O). A known issue today; when a
/// toolchain fixes one, its test fails ("known issue was not recorded") and the workaround
/// comments naming the fixture can be removed.
@Suite("toolchain bugs worked around")
struct ToolchainTests {
    @Test("task-group-tuple-return: a tuple returned from inside do/catch in a child task")
    func taskGroupTupleReturn() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("toolchain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let binary = scratch.appendingPathComponent("repro").path
        let compiled = try await ChildProcess.run(
            ChildProcess.which("swiftc"),
            [
                "-O", "-swift-version", "6", "-parse-as-library",
                TestPython.fixture("compiler/task-group-tuple-return.swift"), "-o", binary,
            ])
        try #require(compiled.status == 0, "\(compiled)")
        let ran = try await ChildProcess.run(binary, [], environment: ["SWIFT_BACKTRACE": "enable=no"])
        withKnownIssue("Swift 6.3.1 -O miscompiles it (fixtures/compiler/task-group-tuple-return.swift)") {
            #expect(ran.status == 0 && ran.stdout == "2\n", "\(ran)")
        }
    }
}
