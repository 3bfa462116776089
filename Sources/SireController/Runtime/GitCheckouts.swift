import Foundation
import SireCore
import SireEngine
import SireGit
import SireStore

/// Checkouts made from the repository's objects, one directory per run under the state dir.
package struct GitCheckouts: CheckoutProvider {
    package let repositoryPath: String
    package let root: String
    /// Who the checkouts are given to (the step user).
    package let isolation: StepIsolation

    package init(repositoryPath: String, root: String, isolation: StepIsolation = .none) {
        self.repositoryPath = repositoryPath
        self.root = root
        self.isolation = isolation
    }

    package func checkout(for run: RunRecord) throws -> String {
        let directory = "\(root)/\(run.id)"
        let marker = directory + "/.sire-checkout-complete"
        if FileManager.default.fileExists(atPath: marker) { return directory }
        // A checkout interrupted by a crash is made again from scratch.
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        guard let commit = ObjectID(run.commit.sha) else {
            throw ControllerError(.internal, "bad commit id \(run.commit.sha)")
        }
        try Repository(path: repositoryPath).materialize(commit, into: directory)
        try isolation.handOver(directory)
        _ = FileManager.default.createFile(atPath: marker, contents: nil)
        return directory
    }

    package func release(_ run: RunRecord) {
        try? FileManager.default.removeItem(atPath: "\(root)/\(run.id)")
    }
}
