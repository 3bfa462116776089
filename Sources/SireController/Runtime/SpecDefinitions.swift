import SireCore
import SireEngine
import SireGit
import SireSpec
import SireStore

/// Parses a run's stored definition with the `sire.yaml` of its commit.
package struct SpecDefinitions: DefinitionLoader {
    package let repositoryPath: String

    package init(repositoryPath: String) {
        self.repositoryPath = repositoryPath
    }

    package func workflow(for run: RunRecord) throws -> Workflow {
        var config = RepoConfig()
        if let repository = try? Repository(path: repositoryPath), let commit = ObjectID(run.commit.sha),
            let loaded = try? WorkflowSet.loadConfig(repository: repository, commit: commit)
        {
            config = loaded.0
        }
        let report = WorkflowValidator.validate(
            WorkflowFile(path: run.path, blob: run.blob, bytes: run.definition), config: config)
        guard let workflow = report.workflow else {
            throw ControllerError(.invalid, report.diagnostics.map(\.description).joined(separator: "; "))
        }
        return workflow
    }
}
