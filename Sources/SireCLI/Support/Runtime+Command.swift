import Foundation
import Logging
import SireController
import SireCore
import SireEngine
import SireGit
import SireSpec
import SireStore
import SireTools

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

extension Runtime {
    /// The runtime of a command that executes runs (`run`, `runs resume|rerun`): over the
    /// repository the global options name, its state directory, the secrets of `secretsFile`
    /// and the environment, with `mocks` answering the steps they name.
    static func forCommand(
        _ options: GlobalOptions, secretsFile: String?, mocks: [String: Value]? = nil,
        observer: (any RunObserver)? = nil
    ) throws -> (Repository, Runtime) {
        let repository = try RepositoryLocator.open(options)
        let state = StateLocation.directory(options, repository: repository)
        let secrets = try SecretsLoader.load(file: secretsFile, environment: LaunchEnvironment.variables)
        var tools: (@Sendable (Dispatcher) -> any ToolInvoker)?
        if let mocks {
            tools = { @Sendable dispatcher in MockTools(outputs: mocks, fallback: dispatcher) }
        }
        let runtime = try Runtime.make(
            gitDirectory: repository.gitDirectory, state: state, secrets: secrets, tools: tools, observer: observer)
        return (repository, runtime)
    }
}
