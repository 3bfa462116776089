import Foundation
import SireCore
import Testing

@testable import SireSpec

/// The decoded model: what the engine and the scheduler will actually see for a valid file.
@Suite("Workflow decoder")
struct WorkflowDecoderTests {
    // MARK: SPEC §3 example

    @Test func specExampleTopLevel() throws {
        let workflow = try decodeFixture("valid/spec-example.yaml")
        #expect(workflow.id == "nightly-report")
        #expect(workflow.name == "Nightly report")
        #expect(workflow.description == "Builds and uploads the nightly report")
        #expect(workflow.concurrency == ConcurrencyPolicy(limit: 1, policy: .skip))
        #expect(workflow.catchup == CatchupPolicy(mode: .latest, window: .seconds(3600)))
        #expect(workflow.timeout == .seconds(30 * 60))
        #expect(workflow.maxParallel == 8)
        // A retry mapping without the other fields takes the policy defaults.
        #expect(workflow.defaults.retry == RetryPolicy(maxAttempts: 3))
        #expect(workflow.defaults.timeout == .seconds(5 * 60))
        #expect(workflow.steps.map(\.id) == ["fetch", "shape", "upload", "alert", "poll"])
    }

    @Test func specExampleInputs() throws {
        let workflow = try decodeFixture("valid/spec-example.yaml")
        #expect(
            workflow.inputs == [
                InputSpec(
                    name: "region", kind: .string, required: false, defaultValue: .string("eu"),
                    allowed: [.string("eu"), .string("us")]),
                InputSpec(name: "limit", kind: .integer, required: true),
            ])
    }

    @Test func specExampleTriggers() throws {
        let workflow = try decodeFixture("valid/spec-example.yaml")
        let schedule = try #require(workflow.triggers.schedules.only)
        #expect(schedule.cron.source == "0 2 * * *")
        #expect(schedule.timeZone == "Europe/Paris")
        #expect(schedule.inputs == ["limit": .int(100)])
        #expect(workflow.triggers.push == PushTrigger(paths: ["data/**"]))
        #expect(workflow.triggers.http)
    }

    @Test func specExampleFetchStep() throws {
        let fetch = try #require(try decodeFixture("valid/spec-example.yaml").step("fetch"))
        #expect(fetch.tool == .local("http.request"))
        #expect(fetch.needs == [])
        #expect(fetch.when == nil)
        #expect(
            fetch.retry
                == RetryPolicy(
                    maxAttempts: 5, backoff: .exponential, initialInterval: .seconds(1),
                    maxInterval: .seconds(60), retryOn: .transient))
        #expect(fetch.timeout == .seconds(30))
        #expect(fetch.onError == .fail)
        let params = try fetch.params.render(
            in: EvaluationContext(variables: ["inputs": .object(["region": .string("us")])]))
        #expect(params == .object(["method": .string("GET"), "url": .string("https://api.example.com/us")]))
    }

    @Test func specExampleShapeStep() throws {
        let shape = try #require(try decodeFixture("valid/spec-example.yaml").step("shape"))
        #expect(shape.needs == ["fetch"])
        #expect(shape.tool == .local("data.transform"))
        let when = try #require(shape.when)
        #expect(when.source == "steps.fetch.output.status == 200")
        let ok = EvaluationContext(variables: [
            "steps": .object(["fetch": .object(["output": .object(["status": .int(200)])])])
        ])
        let notFound = EvaluationContext(variables: [
            "steps": .object(["fetch": .object(["output": .object(["status": .int(404)])])])
        ])
        #expect(try when.evaluate(in: ok) == .bool(true))
        #expect(try when.evaluate(in: notFound) == .bool(false))
        // `data` is a single template: the list comes through as a list, not as text.
        let items = Value.array([.object(["value": .int(1)]), .object(["value": .int(2)])])
        let context = EvaluationContext(variables: [
            "steps": .object(["fetch": .object(["output": .object(["body": .object(["items": items])])])])
        ])
        #expect(
            try shape.params.render(in: context)
                == .object(["data": items, "operation": .string("map"), "expression": .string("item.value * 2")]))
    }

    @Test func specExampleUploadStep() throws {
        let upload = try #require(try decodeFixture("valid/spec-example.yaml").step("upload"))
        #expect(upload.needs == ["shape"])
        #expect(upload.tool == .mcpServer(name: "search", tool: "upload"))
        #expect(upload.maxParallel == 4)
        #expect(upload.onError == .goto("alert"))
        #expect(upload.recover == false)
        let foreach = try #require(upload.foreach)
        let result = Value.array([.int(2), .int(4)])
        let context = EvaluationContext(variables: [
            "steps": .object(["shape": .object(["output": .object(["result": result])])])
        ])
        #expect(try foreach.render(in: context) == result)
        #expect(
            try upload.params.render(in: EvaluationContext(variables: ["item": .int(4)])) == .object(["value": .int(4)])
        )
    }

    @Test func specExampleAlertAndPollSteps() throws {
        let workflow = try decodeFixture("valid/spec-example.yaml")
        let alert = try #require(workflow.step("alert"))
        #expect(alert.tool == .local("log.write"))
        #expect(alert.needs == [])
        #expect(alert.onError == .fail)
        #expect(alert.retry == nil)
        #expect(alert.timeout == nil, "defaults are applied at run time, not copied into each step")
        let poll = try #require(workflow.step("poll"))
        let repeatPolicy = try #require(poll.repeatPolicy)
        #expect(repeatPolicy.until.source == "output.body.done")
        #expect(repeatPolicy.maxIterations == 20)
        #expect(repeatPolicy.interval == .seconds(5))
        #expect(poll.cache == CachePolicy(ttl: .seconds(3600)))
        #expect(
            try repeatPolicy.until.evaluate(
                in: EvaluationContext(variables: ["output": .object(["body": .object(["done": .bool(true)])])]))
                == .bool(true))
    }

    // MARK: Sire format

    @Test func sireClassicEdgesBecomeNeeds() throws {
        let workflow = try decodeFixture("valid/sire-classic.yaml")
        #expect(workflow.id == "sire-classic")
        #expect(workflow.steps.map(\.needs) == [[], ["fetch"], ["transform"]])
        let fetch = try #require(workflow.step("fetch"))
        #expect(fetch.retry == RetryPolicy(maxAttempts: 3, backoff: .exponential))
        let graph = WorkflowGraph(workflow)
        #expect(graph.topologicalOrder() == [0, 1, 2])
    }

    @Test func sireShorthandRendersStepOutput() throws {
        let workflow = try decodeFixture("valid/sire-classic.yaml")
        let transform = try #require(workflow.step("transform"))
        let body = Value.object(["items": .array([.object(["id": .int(1), "name": .string("a")])])])
        let context = EvaluationContext(variables: [
            "steps": .object([
                "fetch": .object(["output": .object(["body": body])]),
                "transform": .object(["output": .object(["result": .string("done")])]),
            ]),
            "workflow": .object(["id": .string("sire-classic")]),
        ])
        #expect(
            try transform.params.render(in: context)
                == .object([
                    "data": body, "operation": .string("pick"),
                    "fields": .array([.string("id"), .string("name")]),
                ]))
        let notify = try #require(workflow.step("notify"))
        #expect(try notify.params.render(in: context) == .object(["text": .string("done from sire-classic")]))
    }

    @Test func edgesAndNeedsMergeWithoutDuplicates() throws {
        let workflow = try decodeValid(
            """
            steps:
              - { id: a, tool: sire:local/log.write }
              - { id: b, tool: sire:local/log.write }
              - { id: c, tool: sire:local/log.write, needs: [a] }
            edges:
              - { from: a, to: c }
              - { from: b, to: c }
            """)
        #expect(workflow.step("c")?.needs == ["a", "b"])
    }

    @Test func backoffGivenAsDurationIsTheInitialInterval() throws {
        let workflow = try decodeValid(
            """
            steps:
              - id: a
                tool: sire:local/log.write
                retry: { backoff: 2s }
              - id: b
                tool: sire:local/log.write
                retry: { max_attempts: 4, backoff: 500ms, max_interval: 10s }
            """)
        #expect(
            workflow.step("a")?.retry
                == RetryPolicy(maxAttempts: 3, backoff: .exponential, initialInterval: .seconds(2)))
        #expect(
            workflow.step("b")?.retry
                == RetryPolicy(
                    maxAttempts: 4, backoff: .exponential, initialInterval: .milliseconds(500),
                    maxInterval: .seconds(10)))
    }

    @Test func singleTemplateKeepsTypeWhileEmbeddedStringifies() throws {
        let workflow = try decodeValid(
            """
            inputs:
              tags: { type: array, default: [x, y] }
              limit: { type: integer, default: 5 }
            steps:
              - id: a
                tool: sire:local/log.write
                params:
                  list: "{{ inputs.tags }}"
                  count: "{{ inputs.limit }}"
                  text: "tags={{ inputs.tags }} limit={{ inputs.limit }}"
                  nested: ["{{ inputs.limit }}", 7, true, null]
            """)
        let context = EvaluationContext(variables: [
            "inputs": .object(["tags": .array([.string("x"), .string("y")]), "limit": .int(5)])
        ])
        #expect(
            try workflow.steps[0].params.render(in: context)
                == .object([
                    "list": .array([.string("x"), .string("y")]),
                    "count": .int(5),
                    "text": .string(#"tags=["x","y"] limit=5"#),
                    "nested": .array([.int(5), .int(7), .bool(true), .null]),
                ]))
    }

    // MARK: shorthands

    @Test func stepShorthands() throws {
        let workflow = try decodeValid(
            """
            inputs:
              flag: boolean
            steps:
              - { id: a, tool: sire:local/log.write }
              - id: b
                needs: a
                retry: 3
                timeout: 90
                when: "{{ inputs.flag }}"
                tool: sire:local/log.write
            """)
        let b = try #require(workflow.step("b"))
        #expect(b.needs == ["a"])
        #expect(b.retry == RetryPolicy(maxAttempts: 3))
        #expect(b.timeout == .seconds(90))
        let when = try #require(b.when)
        #expect(
            try when.evaluate(in: EvaluationContext(variables: ["inputs": .object(["flag": .bool(false)])]))
                == .bool(false))
        #expect(
            try when.evaluate(in: EvaluationContext(variables: ["inputs": .object(["flag": .bool(true)])]))
                == .bool(true))
    }

    @Test func templatedWhenIsStillCheckedAtTheRightColumn() {
        let report = validateWorkflow(
            """
            steps:
              - id: a
                when: "{{ inputs.nope }}"
                tool: sire:local/log.write
            """)
        // Column of `nope` inside the quoted scalar: `    when: "{{ inputs.` is 21 characters.
        #expect(summary(report) == ["unknown-input 3:22"])
    }

    @Test func workflowShorthands() throws {
        let workflow = try decodeValid(
            """
            inputs:
              limit: integer
              region: string
            on:
              schedule:
                - "0 2 * * *"
                - cron: "@hourly"
                  inputs: { limit: 2.0 }
              push:
              http: true
            concurrency: 2
            steps:
              - { id: a, tool: sire:local/log.write }
            """)
        #expect(
            workflow.inputs == [InputSpec(name: "limit", kind: .integer), InputSpec(name: "region", kind: .string)])
        #expect(workflow.triggers.schedules.map(\.cron.source) == ["0 2 * * *", "@hourly"])
        #expect(workflow.triggers.schedules.map(\.timeZone) == ["UTC", "UTC"])
        #expect(workflow.triggers.schedules[1].inputs == ["limit": .int(2)], "2.0 for an integer input is coerced to 2")
        #expect(workflow.triggers.push == PushTrigger(paths: []), "a null push means any path")
        #expect(workflow.triggers.http)
        #expect(workflow.concurrency == ConcurrencyPolicy(limit: 2, policy: .queue))
        #expect(workflow.catchup == CatchupPolicy(mode: .none, window: nil))
    }

    @Test func singleScheduleMappingAndDisabledHTTP() throws {
        let workflow = try decodeValid(
            """
            on:
              schedule: { cron: "*/5 * * * *", timezone: America/New_York }
              http: false
            steps:
              - { id: a, tool: sire:local/log.write }
            """)
        let schedule = try #require(workflow.triggers.schedules.only)
        #expect(schedule.cron.source == "*/5 * * * *")
        #expect(schedule.timeZone == "America/New_York")
        #expect(!workflow.triggers.http)
        #expect(workflow.triggers.push == nil)
    }

    @Test func workflowWithoutTriggersHasNone() throws {
        let workflow = try decodeValid(
            "steps:\n  - { id: a, tool: sire:local/log.write }\n", path: "workflows/plain.yml")
        #expect(workflow.id == "plain")
        #expect(workflow.triggers == Triggers())
        #expect(workflow.concurrency == nil)
        #expect(workflow.maxParallel == nil)
    }

    @Test func onErrorContinueAndRecover() throws {
        let workflow = try decodeValid(
            """
            steps:
              - { id: a, tool: sire:local/log.write, on_error: continue }
              - { id: b, tool: sire:local/log.write, on_error: { goto: h } }
              - { id: h, tool: sire:local/log.write, recover: true }
            """)
        #expect(workflow.steps.map(\.onError) == [.continue, .goto("h"), .fail])
        #expect(workflow.steps.map(\.recover) == [false, false, true])
    }

    @Test func foreachGivenAsLiteralList() throws {
        let workflow = try decodeValid(
            """
            steps:
              - id: a
                foreach: [1, "{{ workflow.id }}"]
                tool: sire:local/log.write
                params: { value: "{{ item }}", at: "{{ index }}" }
            """, path: "workflows/fan.yaml")
        let foreach = try #require(workflow.steps[0].foreach)
        let context = EvaluationContext(variables: ["workflow": .object(["id": .string("fan")])])
        #expect(try foreach.render(in: context) == .array([.int(1), .string("fan")]))
    }

    // MARK: handler references

    static let handlerWorkflow = """
        steps:
          - { id: prepare, tool: sire:local/log.write }
          - { id: build, needs: [prepare], tool: sire:local/log.write }
          - { id: other, needs: [prepare], tool: sire:local/log.write }
          - id: upload
            needs: [build]
            tool: sire:local/log.write
            on_error: { goto: alert }
          - id: alert
            tool: sire:local/log.write
            params:
              message: "%@"
        """

    @Test(arguments: [
        "{{ steps.upload.error }}",
        "{{ steps.upload.attempts }} {{ steps.build.output }}",
        // `prepare` is only a transitive ancestor of the failing step.
        "{{ steps.prepare.status }}",
    ])
    func handlerMayReadTheFailingStepAndItsAncestors(message: String) {
        let report = validateWorkflow(Self.handlerWorkflow.replacingOccurrences(of: "%@", with: message))
        #expect(report.diagnostics == [])
        #expect(report.workflow != nil)
    }

    @Test func handlerMayNotReadASibling() {
        let report = validateWorkflow(
            Self.handlerWorkflow.replacingOccurrences(of: "%@", with: "{{ steps.other.output }}"))
        // `      message: "{{ steps.` is 25 characters, so `other` starts at column 26.
        #expect(summary(report) == ["not-ancestor 12:26"])
        #expect(report.workflow == nil)
    }

    @Test func stepWithoutGotoMayNotReadAnUnrelatedStep() {
        let report = validateWorkflow(
            """
            steps:
              - { id: a, tool: sire:local/log.write }
              - { id: b, tool: sire:local/log.write, params: { x: "{{ steps.a.output }}" } }
            """)
        #expect(report.diagnostics.map(\.rule) == [Rule.notAncestor])
        #expect(report.diagnostics.first?.message.contains("add 'a' to needs") == true)
    }

    @Test func handlerThatIsAlsoADependencyDoesNotSwitchOffReferenceChecks() {
        // `guard` is both a dependency of `a` and its on_error handler, which makes the extended
        // (handler-aware) graph cyclic. That must not silence the ancestor check of unrelated
        // steps: `d` reads `c` without needing it.
        let report = validateWorkflow(
            """
            steps:
              - { id: guard, tool: sire:local/log.write }
              - { id: a, needs: [guard], tool: sire:local/log.write, on_error: { goto: guard } }
              - { id: c, tool: sire:local/log.write }
              - { id: d, tool: sire:local/log.write, params: { x: "{{ steps.c.output }}" } }
            """)
        #expect(report.diagnostics.map(\.rule).contains(Rule.notAncestor))

    }

    @Test func inputDefaultsAndEnumsAreCoerced() throws {
        let workflow = try decodeValid(
            """
            inputs:
              n: { type: integer, default: 2.0, enum: [1.0, 2] }
              ratio: { type: number, default: 1 }
              tags: { type: array, default: [], description: Labels }
            steps:
              - { id: a, tool: sire:local/log.write }
            """)
        #expect(
            workflow.inputs == [
                InputSpec(name: "n", kind: .integer, defaultValue: .int(2), allowed: [.int(1), .int(2)]),
                InputSpec(name: "ratio", kind: .number, defaultValue: .int(1)),
                InputSpec(name: "tags", kind: .array, defaultValue: .array([]), description: "Labels"),
            ])
    }

    @Test func bareIntegerDurationsAreSeconds() throws {
        let workflow = try decodeValid(
            """
            timeout: 3600
            catchup: { policy: all, window: 86400 }
            steps:
              - { id: a, tool: sire:local/log.write, timeout: 5 }
            """)
        #expect(workflow.timeout == .seconds(3600))
        #expect(workflow.catchup == CatchupPolicy(mode: .all, window: .seconds(86_400)))
        #expect(workflow.steps[0].timeout == .seconds(5))
    }

    @Test func bareIntegerDurationsHaveTheSameLimitAsText() {
        // `timeout: 400d` is refused (over 365 days); the same length in bare seconds should be too.
        let text = validateWorkflow("timeout: 400d\nsteps:\n  - { id: a, tool: sire:local/log.write }\n")
        #expect(text.diagnostics.map(\.rule) == [Rule.invalidDuration])
        let seconds = validateWorkflow("timeout: 34560000\nsteps:\n  - { id: a, tool: sire:local/log.write }\n")
        #expect(seconds.diagnostics.map(\.rule) == [Rule.invalidDuration])

    }

    // MARK: positions and limits

    @Test func thousandStepChainIsValid() throws {
        var text = "steps:\n  - { id: s0, tool: sire:local/log.write }\n"
        for i in 1..<1000 {
            text +=
                "  - { id: s\(i), needs: [s\(i - 1)], tool: sire:local/log.write, params: { v: \"{{ steps.s0.output }}\" } }\n"
        }
        let workflow = try decodeValid(text)
        #expect(workflow.steps.count == 1000)
        #expect(workflow.steps.last?.needs == ["s998"])
    }

    @Test func thousandStepCycleIsReportedOnce() {
        var text = "steps:\n  - { id: s0, needs: [s999], tool: sire:local/log.write }\n"
        for i in 1..<1000 { text += "  - { id: s\(i), needs: [s\(i - 1)], tool: sire:local/log.write }\n" }
        let report = validateWorkflow(text)
        #expect(report.diagnostics.map(\.rule) == [Rule.cycle])
        let message = report.diagnostics.first?.message ?? ""
        #expect(message.hasPrefix("dependency cycle: s0 → s1 → s2"))
        #expect(message.hasSuffix("s999 → s0"))
    }
}

// MARK: helpers shared by the SireSpec test files

/// Validates inline workflow text as if it were `path` in a repository using `config`.
func validateWorkflow(
    _ text: String, path: String = "workflows/test.yaml", config: RepoConfig = FixtureCorpusTests.config
) -> FileReport {
    WorkflowValidator.validate(WorkflowFile(path: path, bytes: Array(text.utf8)), config: config)
}

/// The workflow of text a test expects to be valid; records its diagnostics otherwise.
func decodeValid(
    _ text: String, path: String = "workflows/test.yaml", config: RepoConfig = FixtureCorpusTests.config,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> Workflow {
    let report = validateWorkflow(text, path: path, config: config)
    #expect(report.diagnostics == [], sourceLocation: sourceLocation)
    return try #require(report.workflow, sourceLocation: sourceLocation)
}

/// The workflow of a file under `fixtures/`, which must be valid.
func decodeFixture(_ relativePath: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Workflow {
    let url = FixtureCorpusTests.fixtures.appendingPathComponent(relativePath)
    let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
    return try decodeValid(text, path: relativePath, sourceLocation: sourceLocation)
}

/// `rule line:col` of every diagnostic, in report order.
func summary(_ report: FileReport) -> [String] {
    report.diagnostics.map { "\($0.rule) \($0.line):\($0.column)" }
}

extension Array {
    /// The element of a one-element array, or nil.
    var only: Element? { count == 1 ? first : nil }
}

@Suite("Secrets a workflow names")
struct SecretNamesTests {
    @Test func everyTemplateAndExpressionIsRead() throws {
        let workflow = try decodeValid(
            """
            id: names
            steps:
              - id: a
                tool: sire:local/log.write
                params: { message: "{{ secrets.A }}", nested: [{ deep: "x {{ secrets['B'] }}" }] }
              - id: b
                when: "secrets.C != ''"
                foreach: "{{ [secrets.D] }}"
                tool: sire:local/log.write
                params: { message: "{{ item }}" }
                repeat: { until: "output.message == secrets.E", max_iterations: 2 }
            """)
        #expect(workflow.secretNames == ["A", "B", "C", "D", "E"])
    }
}
