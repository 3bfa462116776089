import Foundation
import SireController
import SireCore
import SireGit
import SireSpec

extension WorkflowSet {
    /// Reads `sire.yaml` and every workflow file from a work tree (or any directory).
    static func loadWorkTree(root: String) throws -> WorkflowSet {
        let fm = FileManager.default
        let (config, configDiagnostics, configSource) = workTreeConfig(root: root)
        var files: [WorkflowFile] = []
        for dir in config.workflowDirectories {
            let base = dir.isEmpty ? root : (root as NSString).appendingPathComponent(dir)
            guard let walker = fm.enumerator(atPath: base) else { continue }
            for case let relative as String in walker {
                let path = dir.isEmpty ? relative : dir + "/" + relative
                guard config.isWorkflowPath(path) else { continue }
                let full = (root as NSString).appendingPathComponent(path)
                if linkedComponent(of: path, in: root) {
                    files.append(.symbolicLink(path: path))
                    continue
                }
                var isDirectory: ObjCBool = false
                guard fm.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
                files.append(try workflowFile(at: full, path: path))
            }
        }
        return WorkflowSet(
            config: config, configDiagnostics: configDiagnostics, files: files, commit: nil,
            configSource: configSource)
    }

    /// Reads `sire.yaml` at the root of a work tree: defaults when there is none, a `symlink`
    /// error (and nothing read) when it is a link.
    static func workTreeConfig(root: String) -> (RepoConfig, [Diagnostic], source: String?) {
        let path = (root as NSString).appendingPathComponent(RepoConfig.fileName)
        let isLink = isSymbolicLink(path)
        guard let data = isLink ? Data() : FileManager.default.contents(atPath: path) else {
            return (RepoConfig(), [], nil)
        }
        let (config, diagnostics) = WorkflowValidator.loadConfig(bytes: [UInt8](data), isSymbolicLink: isLink)
        return (config, diagnostics, String(decoding: data, as: UTF8.self))
    }

    /// Whether `path` is a symbolic link itself (lstat: the link, not what it names).
    static func isSymbolicLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK
    }

    /// Whether `path` (relative to `root`) or one of the directories leading to it is a
    /// symbolic link.
    static func linkedComponent(of path: String, in root: String) -> Bool {
        var prefix = root
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if isSymbolicLink(prefix) { return true }
        }
        return false
    }

    /// Reads a workflow file from disk (`full`, shown as `path`); a file too large is read only
    /// far enough to be refused by the validator's size limit, which judges its whole size.
    static func workflowFile(at full: String, path: String) throws -> WorkflowFile {
        if isSymbolicLink(full) { return .symbolicLink(path: path) }
        guard let handle = FileHandle(forReadingAtPath: full) else {
            throw CLIError.usage("cannot read '\(full)': no such file or not readable")
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: WorkflowValidator.maxFileSize + 1)) ?? nil
        let size = (try? handle.seekToEnd()).map(Int.init)
        return WorkflowFile(path: path, bytes: [UInt8](data ?? Data()), size: size)
    }
}

/// Opening the repository named by `--repo` or around the working directory.
enum RepositoryLocator {
    static func open(_ options: GlobalOptions) throws -> Repository {
        let path = options.repo ?? FileManager.default.currentDirectoryPath
        do {
            return try Repository.discover(from: path)
        } catch {
            throw CLIError.usage("not a git repository: \(path) (\(error))")
        }
    }

    static func resolve(_ rev: String, in repository: Repository) throws -> CommitInfo {
        do {
            return try repository.resolveCommit(rev)
        } catch {
            throw CLIError.usage("\(error)")
        }
    }

    /// The workflows at `--rev`, or in the work tree when no revision is given (HEAD for a bare
    /// repository).
    static func workflows(_ options: GlobalOptions, rev: String?) throws -> (WorkflowSet, Repository?) {
        if let rev {
            let repository = try open(options)
            return (try WorkflowSet.load(repository: repository, commit: try resolve(rev, in: repository)), repository)
        }
        if let repository = try? Repository.discover(from: options.repo ?? FileManager.default.currentDirectoryPath) {
            if let workDirectory = repository.workDirectory {
                return (try WorkflowSet.loadWorkTree(root: workDirectory), repository)
            }
            return (
                try WorkflowSet.load(repository: repository, commit: try resolve("HEAD", in: repository)), repository
            )
        }
        if let path = options.repo { throw CLIError.usage("not a git repository: \(path)") }
        return (try WorkflowSet.loadWorkTree(root: FileManager.default.currentDirectoryPath), nil)
    }
}
