import Foundation
import SireCore
import SireEngine
import SireStore
import Testing

extension EngineTests {
    /// A checkout costs a tree materialisation: a run gets one only when a step works in it.
    @Suite("Checkouts") struct Checkouts {
        @Test("a run whose steps touch no files gets no checkout; one with shell.run does, and runs in it")
        func onlyRunsThatUseTheCheckoutGetOne() async throws {
            try await EngineHarness.with { h in
                let plain = try await h.run(
                    """
                    id: plain
                    steps:
                      - id: say
                        tool: sire:local/log.write
                        params: { message: "no files here" }
                      - id: shape
                        needs: [say]
                        tool: sire:local/data.transform
                        params: { data: [1, 2], operation: map, expression: "item * 2" }
                    """)
                #expect(plain.run.status == .succeeded)
                #expect(!FileManager.default.fileExists(atPath: h.sandbox + "/checkouts/\(plain.run.id)"))
                let shell = try await h.run(
                    """
                    id: shell
                    steps:
                      - id: where
                        tool: sire:local/shell.run
                        params: { argv: [pwd] }
                    """)
                #expect(shell.run.status == .succeeded)
                let directory = h.sandbox + "/checkouts/\(shell.run.id)"
                #expect(FileManager.default.fileExists(atPath: directory))
                guard case .object(let output)? = shell.outputs["where"], case .string(let stdout)? = output["stdout"]
                else {
                    Issue.record("no output from pwd")
                    return
                }
                #expect(stdout.trimmingCharacters(in: .whitespacesAndNewlines) == directory)
            }
        }
    }
}
