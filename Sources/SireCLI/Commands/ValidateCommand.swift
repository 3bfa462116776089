import ArgumentParser
import Foundation
import SireController
import SireCore
import SireGit
import SireSpec

/// `sire-git validate [FILE...] [--rev REV]`
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate workflow files, or every workflow at a revision.",
        discussion: """
            With no FILE and no --rev, validates every workflow in the work tree. With --rev, \
            reads the workflows from that commit (never from the work tree). --online also asks \
            each MCP server the steps call for tools/list (stdio servers start in the work tree, \
            or in a temporary checkout of --rev). Exit status: 0 clean, 1 problems found, \
            2 usage error.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Workflow files to validate.")
    var files: [String] = []

    @Option(help: "Validate the workflows at this revision instead of the work tree.")
    var rev: String?

    @Option(help: "Output format: text, json, sarif or github.")
    var format: ReportFormat = .text

    @Flag(help: "Same as --format json.")
    var json = false

    @Flag(
        help: """
            Also ask every MCP server the workflows call for its tools (starting stdio servers), \
            and check tool names and literal params against them.
            """)
    var online = false

    func run() async throws {
        let set: WorkflowSet
        var repository: Repository?
        if files.isEmpty || rev != nil {
            let located = try RepositoryLocator.workflows(global, rev: rev)
            var loaded = located.0
            repository = located.1
            if !files.isEmpty {
                let wanted = Set(files.map { $0.hasPrefix("./") ? String($0.dropFirst(2)) : $0 })
                let missing = wanted.subtracting(loaded.files.map(\.path))
                if let first = missing.sorted().first {
                    throw CLIError.usage("'\(first)' is not a workflow file at \(rev ?? "the work tree")")
                }
                loaded.files = loaded.files.filter { wanted.contains($0.path) }
            }
            set = loaded
        } else {
            set = try Self.loadFiles(files, global: global)
            repository = try? Repository.discover(from: global.repo ?? FileManager.default.currentDirectoryPath)
        }
        var report = set.validate()
        if online { await Self.checkOnline(&report, set: set, repository: repository) }
        print(Self.render(report, set: set, format: json ? .json : format))
        if report.errorCount > 0 { throw ExitCode(1) }
    }

    /// Files named on the command line, read from disk, with the `sire.yaml` of the repository
    /// around the working directory when there is one.
    static func loadFiles(_ paths: [String], global: GlobalOptions) throws -> WorkflowSet {
        var config = RepoConfig()
        var configDiagnostics: [Diagnostic] = []
        var configSource: String?
        let cwd = FileManager.default.currentDirectoryPath
        if let repository = try? Repository.discover(from: global.repo ?? cwd), let root = repository.workDirectory {
            (config, configDiagnostics, configSource) = WorkflowSet.workTreeConfig(root: root)
        }
        var files: [WorkflowFile] = []
        for path in paths {
            files.append(try WorkflowSet.workflowFile(at: path, path: path))
        }
        return WorkflowSet(
            config: config, configDiagnostics: configDiagnostics, files: files, commit: nil, configSource: configSource)
    }

    static func render(_ report: ValidationReport, set: WorkflowSet, format: ReportFormat) -> String {
        let diagnostics = report.diagnostics
        switch format {
        case .text:
            var out: [String] = []
            if !diagnostics.isEmpty { out.append(DiagnosticOutput.text(diagnostics, sources: set.sources)) }
            let place = set.commit.map { " at \($0.id.short)" } ?? ""
            let count = report.files.count
            if diagnostics.isEmpty {
                out.append("\(count) workflow\(count == 1 ? "" : "s") valid\(place)")
            } else {
                if !out.isEmpty { out.append("") }
                let invalid = report.files.count { !$0.isValid }
                out.append(
                    "\(DiagnosticOutput.counts(errors: report.errorCount, warnings: report.warningCount)) "
                        + "in \(count) workflow\(count == 1 ? "" : "s")\(place) (\(invalid) invalid)")
            }
            return out.joined(separator: "\n")
        case .json:
            return report.json(commit: set.commit).jsonString(pretty: true)
        case .sarif:
            return DiagnosticOutput.sarif(diagnostics)
        case .github:
            let lines = DiagnosticOutput.github(diagnostics)
            return lines.isEmpty ? "" : lines
        }
    }
}
