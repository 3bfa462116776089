import Foundation
import SireCore
import SireStore
import Testing

extension EngineTests {
    /// Secrets reach the tools but never what sire-git stores.
    @Suite("Secrets") struct SecretRedaction {
        static let token = "tok-6f1d2e9a-SECRET-c0ffee"

        @Test("a secret echoed by a step never reaches the index file, events, outputs or errors")
        func secretNeverStored() async throws {
            try await EngineHarness.with(secrets: Secrets(["TOKEN": Self.token])) { h in
                let result = try await h.run(
                    """
                    id: leaky
                    steps:
                      - id: echo
                        tool: sire:local/shell.run
                        params:
                          argv: [sh, -c, "echo token={{ secrets.TOKEN }}; echo '{\\"t\\": \\"{{ secrets.TOKEN }}\\"}' > \(h.path("seen"))"]
                      - id: log
                        needs: [echo]
                        tool: sire:local/log.write
                        params: { message: "using {{ secrets.TOKEN }} and {{ steps.echo.output.stdout }}" }
                      - id: fails
                        needs: [log]
                        tool: sire:local/shell.run
                        on_error: continue
                        params: { argv: [sh, -c, "echo bad token {{ secrets.TOKEN }} >&2; exit 7"] }
                      - id: big
                        needs: [fails]
                        tool: sire:local/shell.run
                        params: { argv: [sh, -c, "head -c 70000 /dev/zero | tr '\\\\0' x; echo {{ secrets.TOKEN }}"] }
                    """)
                #expect(result.run.status == .succeeded)
                // The tool did get the real value.
                #expect(h.lines("seen").first?.contains(Self.token) == true)

                #expect(result.outputs["echo"]?.at("stdout")?.string == "token=***\n")
                #expect(result.outputs["log"]?.at("message")?.string?.hasPrefix("using *** and token=***") == true)
                #expect(result.status("fails") == .failed)
                #expect(result.steps["fails"]?.error?.contains("bad token ***") == true)
                let logLines = result.events("log").compactMap { $0.data?.at("message")?.string }
                #expect(logLines.contains("token=***"))
                for event in result.events {
                    let data = event.data?.jsonString() ?? ""
                    #expect(!data.contains(Self.token), "event \(event.kind) holds the secret")
                }
                for (step, output) in result.outputs {
                    #expect(!output.jsonString().contains(Self.token), "output of \(step) holds the secret")
                }
                for (step, record) in result.steps {
                    let error = record.error ?? ""
                    #expect(!error.contains(Self.token), "error of \(step) holds the secret")
                }

                // And not a byte of it in the files of the state directory (database, WAL, artifacts).
                let needle = Array(Self.token.utf8)
                let files = try filesUnder(h.state)
                #expect(files.contains { $0.hasSuffix("index.sqlite") })
                #expect(files.contains { $0.hasSuffix("index.sqlite-wal") })
                #expect(files.contains { $0.contains("/artifacts/") }, "the large output did not become an artifact")
                for file in files {
                    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
                    #expect(!contains(bytes, needle), "\(file) holds the secret")
                }
            }
        }

        @Test("a secret is not leaked in pieces when a long output line is split across log events")
        func secretSplitAcrossLogLines() async throws {
            try await EngineHarness.with(secrets: Secrets(["TOKEN": Self.token])) { h in
                // Log lines are cut every 64 KiB: put the cut in the middle of the secret.
                let result = try await h.run(
                    """
                    id: straddle
                    steps:
                      - id: long-line
                        tool: sire:local/shell.run
                        params: { argv: [sh, -c, "head -c 65526 /dev/zero | tr '\\\\0' x; echo {{ secrets.TOKEN }}"] }
                    """)
                #expect(result.run.status == .succeeded)
                #expect(result.outputs["long-line"]?.at("stdout")?.string?.hasSuffix("x***\n") == true)
                let pieces = result.events("log", step: "long-line").compactMap { $0.data?.at("message")?.string }
                #expect(pieces.count == 2)
                let leaked = pieces.joined().contains(Self.token)
                #expect(!leaked, "the log events hold the secret in two pieces")

            }
        }

        @Test("a numeric secret printed as JSON and a secret cut by max_output leave no trace")
        func numericAndTruncatedSecrets() async throws {
            let secrets = Secrets(["NUM": "987654321", "TOKEN": "s3cr3tvalue42"])
            try await EngineHarness.with(secrets: secrets) { h in
                let result = try await h.run(
                    """
                    id: shapes
                    steps:
                      - id: number
                        tool: sire:local/shell.run
                        params: { argv: [sh, -c, "echo '{\\"n\\": {{ secrets.NUM }}}'"] }
                      - id: cut
                        tool: sire:local/shell.run
                        params: { argv: [sh, -c, "echo 0123456789{{ secrets.TOKEN }}"], max_output: 16 }
                    """)
                #expect(result.run.status == .succeeded, "\(result.steps)")
                let number = try #require(result.outputs["number"])
                #expect(number.at("stdout_json")?.at("n")?.string == "***", "\(number)")
                let cut = try #require(result.outputs["cut"]?.at("stdout")?.string)
                #expect(cut.hasPrefix("0123456789***"), "\(cut)")
                #expect(cut.contains("truncated"), "\(cut)")
                for (step, output) in result.outputs {
                    let text = output.jsonString()
                    #expect(!text.contains("987654321"), "output of \(step) holds the number")
                    #expect(!text.contains("s3cr3t"), "output of \(step) holds part of the token: \(text)")
                }
                for event in result.events {
                    let data = event.data?.jsonString() ?? ""
                    #expect(!data.contains("987654321") && !data.contains("s3cr3t"), "event \(event.kind): \(data)")
                }
            }
        }

        @Test("the controller's own credentials are redacted but no template can name them")
        func hiddenCredentials() async throws {
            let secrets = Secrets(["TOKEN": "named-value-1"]).hiding(["api-token-77"]).merging(
                Secrets(["X": "xx-value"]))
            #expect(secrets.context == .object(["TOKEN": .string("named-value-1"), "X": .string("xx-value")]))
            #expect(secrets.redact("a api-token-77 b named-value-1 c xx-value") == "a *** b *** c ***")
            try await EngineHarness.with(secrets: secrets) { h in
                let result = try await h.run(
                    """
                    id: finds
                    steps:
                      - id: echo
                        tool: sire:local/shell.run
                        params: { argv: [sh, -c, "echo found api-token-77"] }
                    """)
                #expect(result.outputs["echo"]?.at("stdout")?.string == "found ***\n")
            }
        }
    }
}

/// Every regular file under `directory`, recursively.
private func filesUnder(_ directory: String) throws -> [String] {
    let enumerator = FileManager.default.enumerator(atPath: directory)
    var files: [String] = []
    while let relative = enumerator?.nextObject() as? String {
        var isDirectory: ObjCBool = false
        let path = directory + "/" + relative
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            files.append(path)
        }
    }
    return files
}

private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard !needle.isEmpty, haystack.count >= needle.count else { return false }
    return (0...(haystack.count - needle.count)).contains { start in
        haystack[start..<(start + needle.count)].elementsEqual(needle)
    }
}
