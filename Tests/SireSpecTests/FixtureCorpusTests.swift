import Foundation
import SireCore
import Testing

@testable import SireSpec

/// The invalid-workflow corpus under `fixtures/invalid/`: each file lists the diagnostics it must
/// produce as `# expect: RULE LINE:COL` lines, and must produce exactly those.
@Suite struct FixtureCorpusTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let fixtures = root.appendingPathComponent("fixtures")

    static func files(in folder: String) -> [String] {
        let dir = fixtures.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }

    static let config: RepoConfig = {
        let bytes = try! [UInt8](Data(contentsOf: fixtures.appendingPathComponent("sire.yaml")))
        let (config, diagnostics) = WorkflowValidator.loadConfig(bytes: bytes)
        precondition(diagnostics.isEmpty, "fixtures/sire.yaml: \(diagnostics)")
        return config
    }()

    static func validate(_ folder: String, _ name: String) throws -> (String, FileReport) {
        let url = fixtures.appendingPathComponent(folder).appendingPathComponent(name)
        let bytes = try [UInt8](Data(contentsOf: url))
        let report = WorkflowValidator.validate(WorkflowFile(path: "\(folder)/\(name)", bytes: bytes), config: config)
        return (String(decoding: bytes, as: UTF8.self), report)
    }

    @Test func corpusIsLargeEnough() {
        #expect(Self.files(in: "invalid").count >= 40)
    }

    @Test(arguments: files(in: "invalid"))
    func invalidFixtureProducesExactlyItsExpectedDiagnostics(_ name: String) throws {
        let (text, report) = try Self.validate("invalid", name)
        let expected = text.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("# expect: ") else { return nil }
            return String(line.dropFirst("# expect: ".count)).trimmingCharacters(in: .whitespaces)
        }
        #expect(!expected.isEmpty, "\(name) lists no expected diagnostics")
        let actual = report.diagnostics.map { "\($0.rule) \($0.line):\($0.column)" }
        #expect(actual == expected, "\(name):\n\(report.diagnostics.map(\.description).joined(separator: "\n"))")
        for diagnostic in report.diagnostics {
            #expect(!diagnostic.message.isEmpty)
            #expect(diagnostic.path == "invalid/\(name)")
        }
    }

    @Test(arguments: files(in: "valid"))
    func validFixtureHasNoDiagnostics(_ name: String) throws {
        let (_, report) = try Self.validate("valid", name)
        #expect(report.diagnostics.isEmpty, "\(report.diagnostics.map(\.description).joined(separator: "\n"))")
        #expect(report.workflow != nil)
    }

    @Test func everyExampleWorkflowIsValid() throws {
        let dir = Self.root.appendingPathComponent("workflows.example")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }
        #expect(names.count >= 5)
        for name in names {
            let bytes = try [UInt8](Data(contentsOf: dir.appendingPathComponent(name)))
            let report = WorkflowValidator.validate(WorkflowFile(path: name, bytes: bytes), config: RepoConfig())
            #expect(report.diagnostics.isEmpty, "\(name): \(report.diagnostics.map(\.description))")
        }
    }

    @Test func fileOverOneMebibyteIsRefusedWithoutParsing() {
        var text = "id: huge\nsteps:\n  - id: a\n    tool: sire:local/log.write\n"
        text += String(repeating: "# padding to exceed the limit\n", count: 40_000)
        let report = WorkflowValidator.validate(
            WorkflowFile(path: "huge.yaml", bytes: Array(text.utf8)), config: RepoConfig())
        #expect(report.diagnostics.map(\.rule) == [Rule.fileTooLarge])
        #expect(report.diagnostics.first?.message.contains("1 MiB") == true)
    }

    @Test func nonUTF8IsRefused() {
        let report = WorkflowValidator.validate(
            WorkflowFile(path: "bin.yaml", bytes: [0x69, 0x64, 0x3A, 0x20, 0xFF, 0xFE, 0x0A]), config: RepoConfig())
        #expect(report.diagnostics.map(\.rule) == [Rule.invalidEncoding])
    }
}
