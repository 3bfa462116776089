import Foundation
import SireCore
import SireGit
import SireSpec

/// The workflow definitions of one place: a commit (read from git objects, never the work
/// tree) or the work tree.
package struct WorkflowSet: Sendable {
    package var config: RepoConfig
    package var configDiagnostics: [Diagnostic]
    package var files: [WorkflowFile]
    /// The commit they were read from; nil for the work tree.
    package var commit: CommitInfo?
    /// The text of `sire.yaml`, when there is one.
    package var configSource: String?

    package init(
        config: RepoConfig, configDiagnostics: [Diagnostic], files: [WorkflowFile], commit: CommitInfo?,
        configSource: String?
    ) {
        self.config = config
        self.configDiagnostics = configDiagnostics
        self.files = files
        self.commit = commit
        self.configSource = configSource
    }

    /// Validates every file of the set together.
    package func validate(incumbents: [String: String] = [:]) -> ValidationReport {
        ValidationReport(files: files, config: config, configDiagnostics: configDiagnostics, incumbents: incumbents)
    }

    /// Source text by path, for snippets in text output.
    package var sources: [String: String] {
        var out: [String: String] = [:]
        for file in files { out[file.path] = String(decoding: file.bytes, as: UTF8.self) }
        out[RepoConfig.fileName] = configSource
        return out
    }

    /// Reads `sire.yaml` and every workflow file at a commit.
    package static func load(repository: Repository, commit: CommitInfo) throws -> WorkflowSet {
        let (config, configDiagnostics, configBytes) = try loadConfig(repository: repository, commit: commit.id)
        let entries = try repository.files(in: commit.id, under: config.workflowDirectories)
        var files: [WorkflowFile] = []
        for entry in entries where config.isWorkflowPath(entry.path) {
            files.append(try repository.workflowFile(path: entry.path, blob: entry.blob))
        }
        return WorkflowSet(
            config: config, configDiagnostics: configDiagnostics, files: files, commit: commit,
            configSource: configBytes.map { String(decoding: $0, as: UTF8.self) })
    }

    /// Reads and parses `sire.yaml` at a commit (defaults when there is none).
    package static func loadConfig(repository: Repository, commit: ObjectID) throws
        -> (RepoConfig, [Diagnostic], [UInt8]?)
    {
        let file = try repository.file(at: RepoConfig.fileName, in: commit).map {
            try repository.workflowFile(path: RepoConfig.fileName, blob: $0.blob)
        }
        let (config, diagnostics) = WorkflowValidator.loadConfig(bytes: file?.bytes, size: file?.size)
        return (config, diagnostics, file?.bytes)
    }
}
