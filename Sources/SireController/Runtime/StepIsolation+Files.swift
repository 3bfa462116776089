import Foundation
import SireCore

extension StepIsolation {
    /// Gives a directory the controller made for steps (a run's checkout, an MCP server's) to
    /// the step user, so steps can change files in it; nothing to do without a step user.
    package func handOver(_ directory: String) throws {
        guard let user else { return }
        var paths = [directory]
        if let walker = FileManager.default.enumerator(atPath: directory) {
            while let relative = walker.nextObject() as? String { paths.append(directory + "/" + relative) }
        }
        for path in paths where lchown(path, user.uid, user.gid) != 0 {
            throw ControllerError(
                .io, "cannot give \(path) to the step user \(user.name): \(String(cString: strerror(errno)))")
        }
    }

    /// This isolation for a runtime over `state` and `gitDirectory`: the sandbox hides the
    /// state directory (index, mirror, other runs' checkouts) and keeps the repository read-only.
    package func protecting(state: String, gitDirectory: String) -> StepIsolation {
        var isolation = self
        isolation.sandbox?.readOnly.append(gitDirectory)
        isolation.sandbox?.hiddenDirectories.append(state)
        return isolation
    }
}
