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

/// Everything a command needs to execute runs: the repository and the shared runtime (index,
/// engine, tools).
struct EngineAssembly {
    let repository: Repository
    let runtime: Runtime

    var state: String { runtime.state }
    var store: Store { runtime.store }
    var engine: Engine { runtime.engine }

    static func make(
        _ options: GlobalOptions, secretsFile: String?, mocks: [String: Value]? = nil,
        observer: (any RunObserver)? = nil
    ) throws -> EngineAssembly {
        let repository = try RepositoryLocator.open(options)
        let state = StateLocation.directory(options, repository: repository)
        let secrets = try SecretsLoader.load(file: secretsFile, environment: LaunchEnvironment.variables)
        var tools: (@Sendable (Dispatcher) -> any ToolInvoker)?
        if let mocks {
            tools = { @Sendable dispatcher in MockTools(outputs: mocks, fallback: dispatcher) }
        }
        let runtime = try Runtime.make(
            gitDirectory: repository.gitDirectory, state: state, secrets: secrets, tools: tools, observer: observer)
        return EngineAssembly(repository: repository, runtime: runtime)
    }

}
