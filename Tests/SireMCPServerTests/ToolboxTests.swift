import Foundation
import Logging
import SireController
import SireCore
import SireTestSupport
import Testing

@testable import SireMCPServer

/// The tools in process, over a local repository made with the git CLI: argument checking,
/// roles, and what each tool answers, without a transport in between.
@Suite struct ToolboxTests {
    /// A repository with one workflow, the tools over it, and their shutdown afterwards (the
    /// backend owns an HTTP client and MCP sessions).
    private func withToolbox(_ body: (Toolbox, LocalBackend) async throws -> Void) async throws {
        let repo = try await GitFixture()
        try repo.write(
            "workflows/hello.yaml",
            """
            id: hello
            inputs:
              name: { type: string, required: true }
            steps:
              - id: greet
                tool: sire:local/log.write
                params: { message: "hello {{ inputs.name }}" }

            """)
        _ = try await repo.commit("hello")
        var logger = Logger(label: "sire.test")
        logger.logLevel = .critical
        let backend = try LocalBackend(
            gitDirectory: repo.root + "/.git", state: repo.sandbox + "/state", secrets: Secrets(), logger: logger)
        do {
            try await body(Toolbox(backend: backend), backend)
        } catch {
            await backend.shutdown(grace: .seconds(1))
            throw error
        }
        await backend.shutdown(grace: .seconds(1))
    }

    private func call(_ toolbox: Toolbox, _ tool: String, _ arguments: [String: Value], role: APIRole = .admin)
        async -> (Value?, String?)
    {
        switch await toolbox.call(tool, arguments: arguments, role: role) {
        case .success(let value): (value, nil)
        case .failure(let failure): (nil, failure.message)
        }
    }

    @Test func everyInputSchemaIsClosedAndNamesTheArgumentsTheToolReads() async throws {
        try await withToolbox { toolbox, _ in
            #expect(
                toolbox.toolNames == [
                    "list_workflows", "validate", "run_workflow", "get_run", "cancel_run", "commit_status",
                ])
            for entry in toolbox.entries {
                guard case .object(let schema) = entry.input else {
                    Issue.record("\(entry.name): the input schema is not an object")
                    continue
                }
                #expect(schema["additionalProperties"] == .bool(false), "\(entry.name)")
                #expect(!entry.argumentNames.isEmpty, "\(entry.name)")
            }
        }
    }

    @Test func argumentsAreCheckedWithPreciseMessages() async throws {
        try await withToolbox { toolbox, _ in
            #expect(await call(toolbox, "get_run", [:]).1 == "get_run: the argument 'run' is required")
            #expect(await call(toolbox, "get_run", ["run": .int(3)]).1 == "get_run: 'run' must be a string, got 3")
            #expect(await call(toolbox, "get_run", ["run": .string("")]).1 == "get_run: 'run' must not be empty")
            #expect(
                await call(toolbox, "get_run", ["run": .string("x"), "events_after": .int(-1)]).1
                    == "get_run: 'events_after' must be at least 0")
            #expect(
                await call(toolbox, "run_workflow", ["workflow": .string("hello"), "wait_seconds": .int(4000)]).1
                    == "run_workflow: 'wait_seconds' must be from 0 to 3600 seconds")
            let unknown = await call(toolbox, "list_workflows", ["revision": .string("HEAD")]).1 ?? ""
            #expect(unknown.contains("unknown argument 'revision'"), "\(unknown)")
            #expect(unknown.contains("(it takes rev)"), "\(unknown)")
            let tool = await call(toolbox, "list_workflow", [:]).1 ?? ""
            #expect(tool.contains("did you mean 'list_workflows'?"), "\(tool)")
        }
    }

    @Test func aViewerReadsButNeitherStartsNorCancelsRuns() async throws {
        try await withToolbox { toolbox, backend in
            #expect(await call(toolbox, "list_workflows", [:], role: .viewer).0 != nil)
            let run = await call(toolbox, "run_workflow", ["workflow": .string("hello")], role: .viewer).1 ?? ""
            #expect(run.contains("needs the operator role"), "\(run)")
            let cancel = await call(toolbox, "cancel_run", ["run": .string("x")], role: .viewer).1 ?? ""
            #expect(cancel.contains("needs the operator role"), "\(cancel)")
            let runs = try backend.runtime.store.snapshot { tx in try tx.runs(limit: 10) }
            #expect(runs.isEmpty)
        }
    }

    @Test func aRunStartedAndWaitedForCarriesItsInputsAndOutputs() async throws {
        try await withToolbox { toolbox, _ in
            let (missing, problem) = await call(toolbox, "run_workflow", ["workflow": .string("hello")])
            #expect(missing == nil)
            #expect(problem?.contains("name") == true, "\(problem ?? "")")
            let (run, failure) = await call(
                toolbox, "run_workflow",
                ["workflow": .string("hello"), "inputs": .object(["name": .string("ada")]), "wait_seconds": .int(20)])
            #expect(failure == nil, "\(failure ?? "")")
            guard case .object(let object)? = run, case .object(let steps)? = object["steps"],
                case .object(let greet)? = steps["greet"]
            else {
                Issue.record("no run: \(String(describing: run))")
                return
            }
            #expect(object["status"] == .string("succeeded"))
            #expect(object["launch"] == .string("started"))
            #expect(object["inputs"] == .object(["name": .string("ada")]))
            #expect(greet["output"] == .object(["level": .string("info"), "message": .string("hello ada")]))
        }
    }
}
