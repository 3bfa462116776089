import Foundation
import SireTestSupport
import Testing

@Suite("sire-git validate --format json|github|sarif")
struct ValidateFormatTests {
    /// One valid and one invalid workflow, committed.
    private func mixedRepository() async throws -> GitFixture {
        try await GitFixture.committed([
            "workflows/good.yaml": Workflows.valid("good"),
            "workflows/bad.yaml": Workflows.unknownBuiltin("bad"),
        ])
    }

    @Test("json at a revision has the documented fields, commit and blob ids")
    func jsonAtRevision() async throws {
        let repo = try await mixedRepository()
        let result = try await repo.sire("validate", "--rev", "HEAD", "--format", "json")
        #expect(result.status == 1, "\(result)")
        let json = try result.jsonObject()
        #expect(json["valid"] as? Bool == false)
        #expect(json["errors"] as? Int == 1)
        #expect(json["warnings"] as? Int == 0)
        #expect(json["commit"] as? String == (try await repo.git("rev-parse HEAD")))
        let config = try #require(json["config"] as? [String: Any])
        #expect(config["path"] as? String == "sire.yaml")
        #expect((config["diagnostics"] as? [Any])?.isEmpty == true)

        let workflows = try #require(json["workflows"] as? [[String: Any]])
        #expect(
            workflows.compactMap { $0["path"] as? String } == [
                "workflows/bad.yaml", "workflows/good.yaml",
            ])
        let bad = workflows[0]
        let good = workflows[1]
        #expect(bad["id"] as? String == "bad")
        #expect(bad["valid"] as? Bool == false)
        #expect(bad["blob"] as? String == (try await repo.git("rev-parse HEAD:workflows/bad.yaml")))
        #expect(good["valid"] as? Bool == true)
        #expect((good["diagnostics"] as? [Any])?.isEmpty == true)

        let diagnostics = try #require(bad["diagnostics"] as? [[String: Any]])
        try #require(diagnostics.count == 1)
        let diagnostic = diagnostics[0]
        #expect(diagnostic["rule"] as? String == "unknown-builtin")
        #expect(diagnostic["severity"] as? String == "error")
        #expect(diagnostic["path"] as? String == "workflows/bad.yaml")
        #expect(diagnostic["line"] as? Int == 4)
        #expect(diagnostic["column"] as? Int == 22)
        #expect(
            diagnostic["message"] as? String == "unknown built-in tool 'sire:local/nope.nothing'")
    }

    @Test(
        "json of the work tree has no commit and no blobs, and --json is the same as --format json")
    func jsonWorkTree() async throws {
        let repo = try await GitFixture.committed(["workflows/good.yaml": Workflows.valid("good")])
        let long = try await repo.sire("validate", "--format", "json")
        let short = try await repo.sire("validate", "--json")
        #expect(long.status == 0, "\(long)")
        #expect(short.status == 0)
        #expect(long.stdout == short.stdout)
        let json = try long.jsonObject()
        #expect(json["valid"] as? Bool == true)
        #expect(json["commit"] is NSNull)
        let workflows = try #require(json["workflows"] as? [[String: Any]])
        #expect(workflows.count == 1)
        #expect(workflows.first?["blob"] is NSNull)
        #expect(workflows.first?["id"] as? String == "good")
    }

    @Test(
        "github prints one ::error annotation per problem with file, line, col and the rule as title"
    )
    func githubAnnotations() async throws {
        let repo = try await mixedRepository()
        let result = try await repo.sire("validate", "--format", "github")
        #expect(result.status == 1, "\(result)")
        #expect(
            result.lines == [
                "::error file=workflows/bad.yaml,line=4,col=22,title=unknown-builtin::unknown built-in tool 'sire:local/nope.nothing'"
            ], "\(result)")
    }

    @Test("github escapes commas in file names and percent signs in messages")
    func githubEscaping() async throws {
        let repo = try await GitFixture.committed([
            "workflows/a,b.yaml": """
            id: ab
            steps:
              - id: a
                tool: sire:local/log.write
                params: { level: info, message: hi }
            "100%": true

            """
        ])
        let result = try await repo.sire("validate", "--format", "github")
        #expect(result.status == 1, "\(result)")
        let line = try #require(result.lines.first, "\(result)")
        #expect(
            line.hasPrefix("::error file=workflows/a%2Cb.yaml,line=6,col=1,title=unknown-key::"),
            "\(result)")
        let message = try #require(line.components(separatedBy: "::").last)
        #expect(message.contains("100%25"), "\(result)")
        #expect(!message.contains("100%'"), "\(result)")
    }

    @Test("a clean github run prints nothing and exits 0")
    func githubClean() async throws {
        let repo = try await GitFixture.committed(["workflows/good.yaml": Workflows.valid("good")])
        let result = try await repo.sire("validate", "--format", "github")
        #expect(result.status == 0, "\(result)")
        #expect(result.lines.isEmpty, "\(result)")
    }

    @Test("sarif with results validates against the SARIF 2.1.0 schema and locates each result")
    func sarifWithResults() async throws {
        let repo = try await GitFixture.committed([
            "workflows/good.yaml": Workflows.valid("good"),
            "workflows/bad.yaml": Workflows.unknownBuiltin("bad"),
            "workflows/worse.yaml":
                "id: worse\nsteps:\n  - id: a\n    tool: sire:local/log.write\n    needs: [ghost]\n",
        ])
        let result = try await repo.sire("validate", "--format", "sarif")
        #expect(result.status == 1, "\(result)")
        try await SARIFSchema.expectValid(result.stdout)

        let log = try result.jsonObject()
        #expect(log["version"] as? String == "2.1.0")
        let runs = try #require(log["runs"] as? [[String: Any]])
        let run = try #require(runs.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "sire-git")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        let ruleIDs = rules.compactMap { $0["id"] as? String }
        #expect(Set(ruleIDs) == ["unknown-builtin", "unknown-step"])

        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == 2)
        for item in results {
            let ruleID = try #require(item["ruleId"] as? String)
            // ruleIndex must point at the rule with that id, or code scanning shows the wrong rule.
            let ruleIndex = try #require(item["ruleIndex"] as? Int)
            #expect(ruleIDs[ruleIndex] == ruleID)
            #expect(item["level"] as? String == "error")
        }
        let first = try #require(results.first)
        let location = try #require(
            (first["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
        #expect(
            (location["artifactLocation"] as? [String: Any])?["uri"] as? String
                == "workflows/bad.yaml")
        let region = try #require(location["region"] as? [String: Any])
        #expect(region["startLine"] as? Int == 4)
        #expect(region["startColumn"] as? Int == 22)
    }

    @Test("sarif of a clean repository is a valid log with no results")
    func sarifEmpty() async throws {
        let repo = try await GitFixture.committed(["workflows/good.yaml": Workflows.valid("good")])
        let result = try await repo.sire("validate", "--format", "sarif")
        #expect(result.status == 0, "\(result)")
        try await SARIFSchema.expectValid(result.stdout)
        let runs = try #require(try result.jsonObject()["runs"] as? [[String: Any]])
        #expect((runs.first?["results"] as? [Any])?.isEmpty == true)
    }

    @Test("the schema check itself rejects a log that is not SARIF")
    func schemaCheckCanFail() async throws {
        let (status, _) = try await SARIFSchema.validate(
            #"{"version": "2.1.0", "runs": [{"results": []}]}"#)
        #expect(status != 0)
    }

    @Test(
        "sarif artifact URIs are percent-encoded, so a file name with a space is a valid URI reference"
    )
    func sarifURIEncoding() async throws {
        let repo = try await GitFixture.committed([
            "workflows/my flow.yaml": Workflows.unknownBuiltin("my-flow")
        ])
        let result = try await repo.sire("validate", "--format", "sarif")
        #expect(result.status == 1, "\(result)")
        try await SARIFSchema.expectValid(result.stdout)
        let runs = try #require(try result.jsonObject()["runs"] as? [[String: Any]])
        let results = try #require(runs.first?["results"] as? [[String: Any]])
        let location =
            (results.first?["locations"] as? [[String: Any]])?.first?["physicalLocation"]
            as? [String: Any]
        let uri = (location?["artifactLocation"] as? [String: Any])?["uri"] as? String
        // SARIF §3.10.2: `uri` is a valid URI reference (RFC 3986), which cannot hold a space.
        #expect(uri == "workflows/my%20flow.yaml")

    }
}
