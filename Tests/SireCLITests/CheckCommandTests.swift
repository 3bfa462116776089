import Foundation
import SireTestSupport
import Testing

@Suite("sire-git check --base B --head H: the pull-request check")
struct CheckCommandTests {
    static let now = "2026-01-01T00:00:00Z"

    /// A change on top of a base that already has a broken workflow in a file the change does
    /// not touch: head reschedules `nightly` (and changes its push paths and turns http on),
    /// adds a broken `fresh`, and removes `old`.
    struct Scenario {
        let repo: GitFixture
        let base: String
        let head: String

        init() async throws {
            repo = try await GitFixture()
            try repo.write("workflows/broken.yaml", Workflows.unknownBuiltin("broken"))
            try repo.write(
                "workflows/nightly.yaml",
                Workflows.valid("nightly", cron: "0 2 * * *", pushPaths: ["data/**"]))
            try repo.write("workflows/old.yaml", Workflows.valid("old"))
            base = try await repo.commit("base")
            try repo.write(
                "workflows/nightly.yaml",
                Workflows.valid(
                    "nightly", cron: "30 6 * * *", timezone: "Europe/Paris", http: true,
                    pushPaths: ["src/**"]))
            try repo.write(
                "workflows/fresh.yaml",
                """
                id: fresh
                steps:
                  - id: a
                    tool: sire:local/log.write
                    needs: [ghost]

                """)
            try repo.remove("workflows/old.yaml")
            head = try await repo.commit("head")
        }

        func check(_ extra: String...) async throws -> SireBinary.Result {
            try await repo.sire(
                ["check", "--base", base, "--head", head, "--now", CheckCommandTests.now] + extra)
        }
    }

    @Test(
        "text: exit 1, the changes with next fire times, only the new problem, the old one counted")
    func textReport() async throws {
        let scenario = try await Scenario()
        let result = try await scenario.check()
        #expect(result.status == 1, "\(result)")
        let expected = """
            check \(scenario.base.prefix(7))..\(scenario.head.prefix(7))
            workflow changes:
              + added    fresh (workflows/fresh.yaml) — invalid, will not be deployed
              ~ modified nightly (workflows/nightly.yaml)
                  + schedule '30 6 * * *' (Europe/Paris) next: 2026-01-01T06:30:00+01:00, 2026-01-02T06:30:00+01:00, 2026-01-03T06:30:00+01:00
                  - schedule '0 2 * * *' (UTC)
                  push trigger: data/** → src/**
                  http trigger: off → on
              - removed  old (workflows/old.yaml)

            problems introduced by this change:
            workflows/fresh.yaml:5:13: error: step 'a' needs unknown step 'ghost' [unknown-step]
             5 |     needs: [ghost]
               |             ^

            failed: 1 new error; 1 pre-existing problem in unchanged files not shown
            """
        #expect(
            result.lines
                == expected.split(separator: "\n", omittingEmptySubsequences: false).map(
                    String.init), "\(result)")
        #expect(!result.stdout.contains("workflows/broken.yaml"))
    }

    @Test("a change that starts using a secret says so, in text and json")
    func secretsAdded() async throws {
        let repo = try await GitFixture.committed([
            "workflows/deploy.yaml":
                "id: deploy\nsteps:\n  - id: a\n    tool: sire:local/log.write\n    params: { message: \"{{ secrets.OLD }}\" }\n"
        ])
        let base = try await repo.git("rev-parse HEAD")
        try repo.write(
            "workflows/deploy.yaml",
            "id: deploy\nsteps:\n  - id: a\n    tool: sire:local/log.write\n"
                + "    params: { message: \"{{ secrets.OLD }} {{ secrets.CLOUD_KEY }} {{ secrets.API_TOKEN }}\" }\n")
        try await repo.commit("use more secrets")
        let text = try await repo.sire("check", "--base", base)
        #expect(text.status == 0, "\(text)")
        #expect(text.stdout.contains("starts using secrets: API_TOKEN, CLOUD_KEY"), "\(text)")
        let json = try await repo.sire("check", "--base", base, "--format", "json")
        #expect(json.stdout.contains(#""secrets_added""#) && json.stdout.contains("CLOUD_KEY"), "\(json)")
    }

    @Test("--head defaults to HEAD")
    func headDefault() async throws {
        let scenario = try await Scenario()
        let result = try await scenario.repo.sire("check", "--base", scenario.base, "--now", Self.now)
        #expect(result.status == 1, "\(result)")
        #expect(
            result.lines.first == "check \(scenario.base.prefix(7))..\(scenario.head.prefix(7))",
            "\(result)")
    }

    @Test("json has changes with exact fire times, the new problems and the pre-existing count")
    func jsonReport() async throws {
        let scenario = try await Scenario()
        let result = try await scenario.check("--format", "json")
        #expect(result.status == 1, "\(result)")
        let json = try result.jsonObject()
        #expect(json["base"] as? String == scenario.base)
        #expect(json["head"] as? String == scenario.head)
        #expect(json["ok"] as? Bool == false)
        #expect(json["new_errors"] as? Int == 1)
        #expect(json["preexisting_problems"] as? Int == 1)

        let problems = try #require(json["problems"] as? [[String: Any]])
        #expect(problems.count == 1)
        #expect(problems.first?["path"] as? String == "workflows/fresh.yaml")
        #expect(problems.first?["rule"] as? String == "unknown-step")
        #expect(problems.first?["line"] as? Int == 5)
        #expect(problems.first?["column"] as? Int == 13)

        let changes = try #require(json["changes"] as? [[String: Any]])
        var byID: [String: [String: Any]] = [:]
        for change in changes { if let id = change["id"] as? String { byID[id] = change } }
        #expect(Set(byID.keys) == ["fresh", "nightly", "old"])
        #expect(byID["fresh"]?["kind"] as? String == "added")
        #expect(byID["fresh"]?["valid"] as? Bool == false)
        #expect(byID["old"]?["kind"] as? String == "removed")

        let nightly = try #require(byID["nightly"])
        #expect(nightly["kind"] as? String == "modified")
        #expect(nightly["valid"] as? Bool == true)
        let added = try #require(nightly["schedules_added"] as? [[String: Any]])
        #expect(added.count == 1)
        #expect(added.first?["cron"] as? String == "30 6 * * *")
        #expect(added.first?["timezone"] as? String == "Europe/Paris")
        #expect(
            added.first?["next"] as? [String] == [
                "2026-01-01T06:30:00+01:00", "2026-01-02T06:30:00+01:00",
                "2026-01-03T06:30:00+01:00",
            ])
        let removed = try #require(nightly["schedules_removed"] as? [[String: Any]])
        #expect(removed.first?["cron"] as? String == "0 2 * * *")
        #expect(removed.first?["timezone"] as? String == "UTC")
        let push = try #require(nightly["push"] as? [String: Any])
        #expect((push["before"] as? [String: Any])?["paths"] as? [String] == ["data/**"])
        #expect((push["after"] as? [String: Any])?["paths"] as? [String] == ["src/**"])
        let http = try #require(nightly["http"] as? [String: Any])
        #expect(http["before"] as? Bool == false)
        #expect(http["after"] as? Bool == true)

        let short = try await scenario.check("--json")
        #expect(short.stdout == result.stdout)
    }

    @Test("sarif of a failing check validates against the schema and holds only the new problem")
    func sarifReport() async throws {
        let scenario = try await Scenario()
        let result = try await scenario.check("--format", "sarif")
        #expect(result.status == 1, "\(result)")
        try await SARIFSchema.expectValid(result.stdout)
        let runs = try #require(try result.jsonObject()["runs"] as? [[String: Any]])
        let results = try #require(runs.first?["results"] as? [[String: Any]])
        #expect(results.compactMap { $0["ruleId"] as? String } == ["unknown-step"])
    }

    @Test("github annotations of a check name only the new problem")
    func githubReport() async throws {
        let scenario = try await Scenario()
        let result = try await scenario.check("--format", "github")
        #expect(result.status == 1, "\(result)")
        #expect(
            result.lines == [
                "::error file=workflows/fresh.yaml,line=5,col=13,title=unknown-step::step 'a' needs unknown step 'ghost'"
            ], "\(result)")
    }

    @Test("a clean change exits 0 even with a pre-existing problem elsewhere, which is counted")
    func cleanChange() async throws {
        let repo = try await GitFixture()
        try repo.write("workflows/broken.yaml", Workflows.unknownBuiltin("broken"))
        try repo.write("workflows/hourly.yaml", Workflows.valid("hourly"))
        let base = try await repo.commit("base")
        try repo.write("workflows/hourly.yaml", Workflows.valid("hourly", cron: "@hourly"))
        let head = try await repo.commit("add a schedule")

        let result = try await repo.sire("check", "--base", base, "--head", head, "--now", Self.now)
        #expect(result.status == 0, "\(result)")
        #expect(result.lines.contains("  ~ modified hourly (workflows/hourly.yaml)"), "\(result)")
        #expect(
            result.lines.contains(
                "      + schedule '@hourly' (UTC) next: 2026-01-01T01:00:00Z, 2026-01-01T02:00:00Z, 2026-01-01T03:00:00Z"
            ), "\(result)")
        #expect(
            result.lines.last
                == "ok: no new errors; 1 pre-existing problem in unchanged files not shown",
            "\(result)")
        #expect(!result.stdout.contains("broken.yaml"))

        let sarif = try await repo.sire("check", "--base", base, "--head", head, "--format", "sarif")
        #expect(sarif.status == 0, "\(sarif)")
        try await SARIFSchema.expectValid(sarif.stdout)
        let runs = try #require(try sarif.jsonObject()["runs"] as? [[String: Any]])
        #expect((runs.first?["results"] as? [Any])?.isEmpty == true)

        let json = try await repo.sire("check", "--base", base, "--head", head, "--format", "json")
            .jsonObject()
        #expect(json["ok"] as? Bool == true)
        #expect((json["problems"] as? [Any])?.isEmpty == true)
    }

    @Test("a change with no workflow changes says so and exits 0")
    func noWorkflowChanges() async throws {
        let repo = try await GitFixture.committed(["workflows/a.yaml": Workflows.valid("alpha")])
        let base = try await repo.git("rev-parse HEAD")
        try repo.write("README.md", "docs only\n")
        try await repo.commit("docs")
        let result = try await repo.sire("check", "--base", base)
        #expect(result.status == 0, "\(result)")
        #expect(
            result.lines.dropFirst() == ["no workflow changes", "", "ok: no new errors"],
            "\(result)")
    }

    @Test("a pre-existing problem in a file the change touches is shown and fails the check")
    func touchedFileProblemsCount() async throws {
        let repo = try await GitFixture()
        try repo.write("workflows/broken.yaml", Workflows.unknownBuiltin("broken"))
        let base = try await repo.commit("base")
        try repo.write(
            "workflows/broken.yaml",
            "# a comment, nothing fixed\n" + Workflows.unknownBuiltin("broken"))
        try await repo.commit("touch it")
        let result = try await repo.sire("check", "--base", base)
        #expect(result.status == 1, "\(result)")
        #expect(
            diagnosticLines(result.stdout).map { $0.components(separatedBy: ": error:")[0] } == [
                "workflows/broken.yaml:5:22"
            ])
        #expect(
            result.lines.contains(
                "  ~ modified broken (workflows/broken.yaml) — invalid, the last good version keeps running"
            ))
    }

    @Test("removing every workflow fails with empty-workflow-set unless sire.yaml allows it")
    func emptyWorkflowSet() async throws {
        let repo = try await GitFixture.committed([
            "workflows/a.yaml": Workflows.valid("alpha"),
            "workflows/b.yaml": Workflows.valid("beta"),
        ])
        let base = try await repo.git("rev-parse HEAD")
        try repo.remove("workflows/a.yaml")
        try repo.remove("workflows/b.yaml")
        let emptied = try await repo.commit("remove everything")

        let refused = try await repo.sire("check", "--base", base, "--head", emptied)
        #expect(refused.status == 1, "\(refused)")
        let diagnostics = diagnosticLines(refused.stdout)
        #expect(diagnostics.count == 1, "\(refused)")
        #expect(diagnostics.first?.hasPrefix("sire.yaml:1:1: error: ") == true, "\(refused)")
        #expect(diagnostics.first?.hasSuffix("[empty-workflow-set]") == true, "\(refused)")
        #expect(refused.lines.contains("  - removed  alpha (workflows/a.yaml)"))
        #expect(refused.lines.contains("  - removed  beta (workflows/b.yaml)"))

        try repo.write("sire.yaml", "allow_empty: true\n")
        let allowed = try await repo.commit("allow empty")
        let result = try await repo.sire("check", "--base", base, "--head", allowed)
        #expect(result.status == 0, "\(result)")
        #expect(!result.stdout.contains("empty-workflow-set"), "\(result)")
    }

    @Test("a renamed workflow is modified, not removed and added")
    func renamedWorkflow() async throws {
        let repo = try await GitFixture.committed(["workflows/a.yaml": Workflows.valid("alpha")])
        let base = try await repo.git("rev-parse HEAD")
        try await repo.git("mv workflows/a.yaml workflows/renamed.yaml")
        try await repo.commit("rename")
        let result = try await repo.sire("check", "--base", base)
        #expect(result.status == 0, "\(result)")
        #expect(
            result.lines.contains(
                "  ~ modified alpha (workflows/renamed.yaml) moved from workflows/a.yaml"),
            "\(result)")
    }

    @Test(
        "bad revisions and times are usage errors (exit 2, one line)",
        arguments: [
            ["--base", "no-such-ref"],
            ["--base", "HEAD", "--head", "no-such-ref"],
            ["--base", "HEAD", "--now", "tomorrow"],
        ])
    func usageErrors(arguments: [String]) async throws {
        let repo = try await GitFixture.committed(["workflows/a.yaml": Workflows.valid("alpha")])
        let result = try await repo.sire(["check"] + arguments)
        #expect(result.status == 2, "\(result)")
        #expect(result.errorLines.count == 1, "\(result)")
        #expect(result.errorLines.first?.hasPrefix("sire-git: ") == true, "\(result)")
    }

    @Test("check outside a repository is a usage error")
    func notARepository() async throws {
        let repo = try await GitFixture()
        let result = try await SireBinary.run(
            ["check", "--base", "HEAD", "--repo", repo.sandbox], in: repo.sandbox)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("not a git repository"), "\(result)")
    }
}

@Suite("sire-git check: a new file reusing an existing workflow id")
struct CheckDuplicateIDTests {
    @Test(
        "the added file is blamed for the duplicate id, and the existing file is not called moved")
    func addedDuplicateIsBlamed() async throws {
        let repo = try await GitFixture.committed(["workflows/b.yaml": Workflows.valid("same")])
        let base = try await repo.git("rev-parse HEAD")
        // Sorts before the existing file, which is what decides "first" today.
        try repo.write("workflows/a.yaml", Workflows.valid("same", http: true))
        try await repo.commit("add a second workflow with the same id")
        let result = try await repo.sire("check", "--base", base)
        #expect(result.status == 1, "\(result)")
        let diagnostics = diagnosticLines(result.stdout)
        #expect(diagnostics.count == 1, "\(result)")
        #expect(diagnostics.first?.hasSuffix("[duplicate-workflow-id]") == true, "\(result)")
        #expect(diagnostics.first?.hasPrefix("workflows/a.yaml:") == true, "\(result)")
        #expect(!result.stdout.contains("moved from workflows/b.yaml"), "\(result)")

    }
}
