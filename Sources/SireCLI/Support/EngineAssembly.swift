import Foundation
import Logging
import SireCore
import SireEngine
import SireGit
import SireSpec
import SireStore
import SireTools

/// Checkouts made from the repository's objects, one directory per run under the state dir.
struct GitCheckouts: CheckoutProvider {
    let repositoryPath: String
    let root: String

    func checkout(for run: RunRecord) throws -> String {
        let directory = "\(root)/\(run.id)"
        let marker = directory + "/.sire-checkout-complete"
        if FileManager.default.fileExists(atPath: marker) { return directory }
        // A checkout interrupted by a crash is made again from scratch.
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        guard let commit = ObjectID(run.commit.sha) else {
            throw CLIError.internalError("bad commit id \(run.commit.sha)")
        }
        try Repository(path: repositoryPath).materialize(commit, into: directory)
        _ = FileManager.default.createFile(atPath: marker, contents: nil)
        return directory
    }

    func release(_ run: RunRecord) {
        try? FileManager.default.removeItem(atPath: "\(root)/\(run.id)")
    }
}

/// Parses a run's stored definition with the `sire.yaml` of its commit.
struct SpecDefinitions: DefinitionLoader {
    let repositoryPath: String

    func workflow(for run: RunRecord) throws -> Workflow {
        var config = RepoConfig()
        if let repository = try? Repository(path: repositoryPath), let commit = ObjectID(run.commit.sha),
            let file = try? repository.file(at: RepoConfig.fileName, in: commit)
        {
            config = WorkflowValidator.loadConfig(bytes: try repository.blob(file.blob)).0
        }
        let report = WorkflowValidator.validate(
            WorkflowFile(path: run.path, blob: run.blob, bytes: run.definition), config: config)
        guard let workflow = report.workflow else {
            throw CLIError(message: report.diagnostics.map(\.description).joined(separator: "; "), exitCode: 1)
        }
        return workflow
    }
}

/// Returns canned outputs for the steps named in a mock file; other steps call real tools.
struct MockTools: ToolInvoker {
    let outputs: [String: Value]
    let fallback: any ToolInvoker

    func call(_ call: ToolCall) async throws(ToolError) -> Value {
        // Foreach items (`step[3]`) and repeat iterations (`step@2`) share their step's mock.
        let id = String(call.stepID.prefix { $0 != "[" && $0 != "@" })
        guard let canned = outputs[id] else { return try await fallback.call(call) }
        if case .object(let object) = canned, object.count == 1, case .string(let message)? = object["error"] {
            throw ToolError(message)
        }
        return canned
    }
}

/// Everything a command needs to execute runs: the store, the engine, and the tools to close.
struct EngineAssembly {
    let repository: Repository
    let state: String
    let store: Store
    let engine: Engine
    let dispatcher: Dispatcher

    static func make(
        _ options: GlobalOptions, secretsFile: String?, mocks: [String: Value]? = nil,
        observer: (any RunObserver)? = nil
    ) throws -> EngineAssembly {
        let repository = try RepositoryLocator.open(options)
        let state = StateLocation.directory(options, repository: repository)
        let store: Store
        do {
            store = try Store(directory: state)
        } catch {
            throw CLIError.internalError("\(error)")
        }
        let secrets = try SecretsLoader.load(file: secretsFile)
        let dispatcher = Dispatcher()
        let tools: any ToolInvoker = mocks.map { MockTools(outputs: $0, fallback: dispatcher) } ?? dispatcher
        let environment = ProcessInfo.processInfo.environment
        var configuration = EngineConfiguration(
            defaultMaxParallel: ProcessInfo.processInfo.activeProcessorCount, owner: Engine.makeOwner())
        if let lease = environment["SIRE_LEASE_SECONDS"].flatMap(Double.init) {
            configuration.leaseDuration = .milliseconds(Int(lease * 1000))
        }
        let engine = Engine(
            store: store, tools: tools,
            checkouts: GitCheckouts(repositoryPath: repository.gitDirectory, root: state + "/checkouts"),
            definitions: SpecDefinitions(repositoryPath: repository.gitDirectory), secrets: secrets, observer: observer,
            configuration: configuration, logger: Logger(label: "sire.engine"))
        return EngineAssembly(
            repository: repository, state: state, store: store, engine: engine, dispatcher: dispatcher)
    }

    func shutdown() async {
        await dispatcher.shutdown()
    }
}

/// Secrets from `SIRE_SECRET_*` and an optional `--secrets FILE` (mode 0600, `NAME=value` lines
/// or a YAML/JSON mapping).
enum SecretsLoader {
    static func load(file: String?) throws -> Secrets {
        let fromEnvironment = Secrets.fromEnvironment(ProcessInfo.processInfo.environment)
        guard let file else { return fromEnvironment }
        var info = stat()
        guard stat(file, &info) == 0 else { throw CLIError.usage("cannot read secrets file '\(file)'") }
        if info.st_mode & 0o077 != 0 {
            throw CLIError.usage(
                "secrets file '\(file)' is readable by others (mode \(String(info.st_mode & 0o777, radix: 8))); "
                    + "chmod 600 it")
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CLIError.usage("cannot read secrets file '\(file)'")
        }
        let text = String(decoding: data, as: UTF8.self)
        var values: [String: String] = [:]
        if let parsed = YAMLComposer.compose(text).root?.value, case .object(let object) = parsed {
            for (key, value) in object {
                if case .string(let s) = value { values[key] = s } else { values[key] = value.jsonString() }
            }
        } else {
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                guard let eq = line.firstIndex(of: "=") else { continue }
                values[String(line[..<eq]).trimmingCharacters(in: .whitespaces)] = String(
                    line[line.index(after: eq)...])
            }
        }
        return fromEnvironment.merging(Secrets(values))
    }
}

extension PinnedCommit {
    /// The commit a run is pinned to, with the `git` template context it shows.
    init(_ commit: CommitInfo, ref: String?) {
        self.init(
            sha: commit.id.description, tree: commit.tree.description, ref: ref, message: commit.message,
            author: "\(commit.author.name) <\(commit.author.email)>")
    }
}
