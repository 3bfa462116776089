import Foundation
import SireGit

/// Where the state directory is (SPEC §1): `--state`, else `<git-dir>/sire/` for a local
/// repository (never inside the work tree), else `$XDG_STATE_HOME/sire-git/<name>/`.
enum StateLocation {
    static func directory(_ options: GlobalOptions, repository: Repository?) -> String {
        if let state = options.state { return absolute(state) }
        if let repository { return repository.gitDirectory + "/sire" }
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_STATE_HOME"] ?? (NSHomeDirectory() + "/.local/state")
        let name = URL(fileURLWithPath: options.repo ?? FileManager.default.currentDirectoryPath).lastPathComponent
        return "\(base)/sire-git/\(name)"
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}
