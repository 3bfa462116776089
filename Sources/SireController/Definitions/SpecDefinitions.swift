import SireCore
import SireEngine
import SireGit
import SireSpec
import SireStore

/// Parses a run's stored definition with the `sire.yaml` of its commit. A commit whose
/// `sire.yaml` cannot be read is an error, not a default configuration: the run would otherwise
/// execute under settings its commit never had.
package struct SpecDefinitions: DefinitionLoader {
    package let repositoryPath: String

    package init(repositoryPath: String) {
        self.repositoryPath = repositoryPath
    }

    package func workflow(for run: RunRecord) throws -> Workflow {
        guard let commit = ObjectID(run.commit.sha) else {
            throw ControllerError(.invalid, "the run's commit '\(run.commit.sha)' is not a full object id")
        }
        let config: RepoConfig
        do {
            config = try WorkflowSet.loadConfig(repository: Repository(path: repositoryPath), commit: commit).0
        } catch {
            throw ControllerError(.io, "cannot read sire.yaml at \(commit.short)", cause: error)
        }
        let report = WorkflowValidator.validate(
            WorkflowFile(path: run.path, blob: run.blob, bytes: run.definition), config: config)
        guard let workflow = report.workflow else {
            throw ControllerError(.invalid, report.diagnostics.map(\.description).joined(separator: "; "))
        }
        return workflow
    }
}
