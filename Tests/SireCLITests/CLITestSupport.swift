import Foundation
import SireTestSupport
import Testing

/// A git fixture holding workflow files, and a way to run the built binary in it.
extension GitFixture {
    func sire(_ arguments: String...) async throws -> SireBinary.Result {
        try await SireBinary.run(arguments, in: root)
    }

    func sire(_ arguments: [String]) async throws -> SireBinary.Result {
        try await SireBinary.run(arguments, in: root)
    }

    /// A fixture with `files` written and committed as its first commit.
    static func committed(_ files: [String: String], message: String = "initial") async throws
        -> GitFixture
    {
        let fixture = try await GitFixture()
        for (path, content) in files { try fixture.write(path, content) }
        try await fixture.commit(message)
        return fixture
    }
}

extension SireBinary.Result {
    /// Standard output split into lines, without the trailing empty ones.
    var lines: [String] { Self.lines(of: stdout) }

    /// Standard error split into lines, without the trailing empty ones.
    var errorLines: [String] { Self.lines(of: stderr) }

    private static func lines(of output: String) -> [String] {
        var text = Substring(output)
        while text.hasSuffix("\n") { text = text.dropLast() }
        return text.isEmpty
            ? [] : text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// Standard output parsed as a JSON object.
    func jsonObject(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let parsed = try JSONSerialization.jsonObject(with: Data(stdout.utf8))
        return try #require(
            parsed as? [String: Any], "not a JSON object:\n\(stdout)",
            sourceLocation: sourceLocation)
    }
}

/// Small workflow documents the suites combine.
enum Workflows {
    /// A valid workflow with one step and, optionally, an hourly-style schedule.
    static func valid(
        _ id: String, cron: String? = nil, timezone: String? = nil, http: Bool = false,
        pushPaths: [String]? = nil
    ) -> String {
        var triggers: [String] = []
        if let cron {
            triggers.append(
                "  schedule:\n    - cron: \"\(cron)\""
                    + (timezone.map { "\n      timezone: \($0)" } ?? ""))
        }
        if let pushPaths {
            triggers.append(
                "  push: { paths: [\(pushPaths.map { "\"\($0)\"" }.joined(separator: ", "))] }")
        }
        if http { triggers.append("  http: {}") }
        let on = triggers.isEmpty ? "" : "on:\n" + triggers.joined(separator: "\n") + "\n"
        return """
            id: \(id)
            \(on)steps:
              - id: greet
                tool: sire:local/log.write
                params: { level: info, message: hello }

            """
    }

    /// A workflow whose only step names a built-in that does not exist (`unknown-builtin` at 4:22).
    static func unknownBuiltin(_ id: String) -> String {
        """
        id: \(id)
        steps:
          - id: a
            tool: sire:local/nope.nothing

        """
    }
}

/// Validation of SARIF output against the official 2.1.0 schema, with Python's `jsonschema`.
enum SARIFSchema {
    /// `fixtures/schemas/sarif-schema-2.1.0.json` (see `fixtures/schemas/README.md`).
    static let path = TestPython.fixture("schemas/sarif-schema-2.1.0.json")

    /// Runs the schema validator on `document`; returns its status and what it printed.
    static func validate(_ document: String) async throws -> (status: Int32, output: String) {
        let result = try await ChildProcess.run(
            TestPython.path,
            [
                "-c",
                "import json,sys,jsonschema; jsonschema.validate(json.load(sys.stdin), json.load(open(sys.argv[1])))",
                path,
            ], input: document)
        return (result.status, result.stdout + result.stderr)
    }

    /// Expects `document` to be a valid SARIF 2.1.0 log.
    static func expectValid(_ document: String, sourceLocation: SourceLocation = #_sourceLocation)
        async throws
    {
        try #require(
            FileManager.default.fileExists(atPath: path), "SARIF schema missing at \(path)",
            sourceLocation: sourceLocation)
        let (status, output) = try await validate(document)
        #expect(
            status == 0, "SARIF does not match the schema:\n\(output)\n\(document)",
            sourceLocation: sourceLocation)
    }
}

/// The `path:line:col: severity: message [rule]` diagnostic lines of text output.
func diagnosticLines(_ output: String) -> [String] {
    output.split(separator: "\n").map(String.init).filter { line in
        line.range(
            of: #"^[^ ].*:\d+:\d+: (error|warning): .* \[[a-z0-9-]+\]$"#,
            options: .regularExpression) != nil
    }
}

/// The port a controller's log (written with `--listen 127.0.0.1:0`) says its API listens on;
/// 0 when it says none within 15 s.
func listeningPort(_ log: String) async -> Int {
    var port = 0
    _ = await eventually(within: .seconds(15)) {
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        guard let range = text.range(of: #"http.address=127\.0\.0\.1:(\d+)"#, options: .regularExpression) else {
            return false
        }
        port = Int(text[range].split(separator: ":").last ?? "") ?? 0
        return port > 0
    }
    return port
}
