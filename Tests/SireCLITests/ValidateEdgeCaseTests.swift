import Foundation
import SireTestSupport
import Testing

@Suite("sire-git validate: warnings, awkward files and bare repositories")
struct ValidateEdgeCaseTests {
    /// `recover: true` on a step no goto names: a warning (`unused-recover`) at 5:14.
    static let warningOnly = """
        id: lonely
        steps:
          - id: a
            tool: sire:local/log.write
            recover: true

        """

    @Test("warnings alone do not fail: exit 0 in every format, reported as warnings")
    func warningsExitZero() async throws {
        let repo = try await GitFixture.committed(["workflows/lonely.yaml": Self.warningOnly])
        let text = try await repo.sire("validate")
        #expect(text.status == 0, "\(text)")
        #expect(
            diagnosticLines(text.stdout).first?.hasPrefix("workflows/lonely.yaml:5:14: warning: ")
                == true, "\(text)")
        #expect(text.lines.last == "0 errors, 1 warning in 1 workflow (0 invalid)", "\(text)")

        let github = try await repo.sire("validate", "--format", "github")
        #expect(github.status == 0)
        #expect(
            github.lines.first?.hasPrefix(
                "::warning file=workflows/lonely.yaml,line=5,col=14,title=unused-recover::")
                == true, "\(github)")

        let sarif = try await repo.sire("validate", "--format", "sarif")
        #expect(sarif.status == 0)
        try await SARIFSchema.expectValid(sarif.stdout)
        let runs = try #require(try sarif.jsonObject()["runs"] as? [[String: Any]])
        #expect(
            (runs.first?["results"] as? [[String: Any]])?.first?["level"] as? String == "warning")

        let json = try await repo.sire("validate", "--json").jsonObject()
        #expect(json["valid"] as? Bool == true)
        #expect(json["warnings"] as? Int == 1)
    }

    @Test("a caret after a tab keeps the tab, so it lines up in a terminal")
    func caretAfterTab() async throws {
        let repo = try await GitFixture.committed([
            "workflows/tab.yaml":
                "id: tabby\nsteps:\n  - id: a\n    tool: sire:local/log.write\n    params: {message: \"a\tb {{ nope() }}\"}\n"
        ])
        let result = try await repo.sire("validate")
        #expect(result.status == 1, "\(result)")
        let lines = result.lines
        let index = try #require(
            lines.firstIndex { $0.hasPrefix("workflows/tab.yaml:5:31: error:") }, "\(result)")
        let source = Array(lines[index + 1].dropFirst(" 5 | ".count))
        let caret = String(lines[index + 2].dropFirst("   | ".count))
        let lead = String(source.prefix(30).map { $0 == "\t" ? "\t" : " " })
        #expect(caret == lead + "^", "\(result)")
        #expect(String(source[30...]).hasPrefix("nope"))
    }

    @Test("control characters from the repository are escaped in text output, never echoed raw")
    func controlCharactersAreEscaped() async throws {
        let repo = try await GitFixture.committed([
            // A key whose escapes spell a newline, a GitHub Actions command and a bell.
            "workflows/key.yaml":
                "id: key\n\"x\\n::add-mask::y\\a\": 1\nsteps:\n  - id: a\n    tool: sire:local/log.write\n",
            // A raw ESC in the file: a YAML error whose source line holds it.
            "workflows/esc.yaml": "id: esc\nname: \"\u{1B}[31mred\"\nsteps: []\n",
        ])
        for command in [["validate"], ["status"]] {
            let result = try await repo.sire(command)
            #expect(result.status == (command == ["validate"] ? 1 : 0), "\(result)")
            let controls = result.stdout.unicodeScalars.filter { $0.value < 0x20 && $0 != "\n" && $0 != "\t" }
            #expect(controls.isEmpty, "raw control characters in the output: \(controls.map(\.value))")
            #expect(!result.lines.contains { $0.hasPrefix("::") }, "\(result)")
            #expect(result.stdout.contains(#"x\n::add-mask::y\u{7}"#), "\(result)")
        }
        let esc = try await repo.sire("validate", "workflows/esc.yaml")
        #expect(esc.stdout.contains(#"\u{1B}[31mred"#), "\(esc)")
    }

    @Test("a huge workflow blob is refused by its size, without being read into memory")
    func hugeBlobIsNotRead() async throws {
        let repo = try await GitFixture()
        try repo.write("workflows/ok.yaml", Workflows.valid("ok"))
        let size = 40 << 20
        try repo.write("workflows/huge.yaml", String(repeating: "a", count: size))
        try await repo.commit("a 40 MiB workflow file")
        try repo.remove("workflows/huge.yaml")
        // GNU time reports the peak memory of the run (kilobytes).
        let measured = try await ChildProcess.run(
            "/usr/bin/time", ["-f", "peak %M", SireBinary.path, "validate", "--rev", "HEAD"], in: repo.root,
            environment: SireBinary.environment(repo.root))
        #expect(measured.status == 1, "\(measured)")
        #expect(
            measured.stdout.contains("workflows/huge.yaml:1:1: error: workflow file is \(size) bytes; the limit is"),
            "\(measured)")
        let peak = try #require(
            measured.stderr.split(separator: "\n").last { $0.hasPrefix("peak ") }.flatMap { Int($0.dropFirst(5)) })
        // Reading the blob would take it twice over (inflated, then copied); refused by its
        // header, the run stays at its usual size.
        #expect(peak < 85_000, "peak \(peak) KB")
    }

    @Test("a template spliced unquoted into a shell command is a warning; shq() passes the value as one word")
    func shellTemplates() async throws {
        let repo = try await GitFixture.committed([
            "workflows/sh.yaml": """
            id: sh
            inputs:
              x: { type: string, default: a }
            steps:
              - id: raw
                tool: sire:local/shell.run
                params: { command: "echo {{ inputs.x }}", shell: true }
              - id: quoted
                tool: sire:local/shell.run
                params: { command: "printf %s {{ shq(inputs.x) }}", shell: true }
              - id: words
                tool: sire:local/shell.run
                params: { argv: [echo, "{{ inputs.x }}"] }
              - id: noshell
                tool: sire:local/shell.run
                params: { command: "echo {{ inputs.x }}" }

            """
        ])
        let validated = try await repo.sire("validate")
        #expect(validated.status == 0, "\(validated)")
        #expect(
            diagnosticLines(validated.stdout) == [
                "workflows/sh.yaml:7:30: warning: '{{ inputs.x }}' is spliced into a shell command unquoted: its value "
                    + "runs as shell code; write {{ shq(…) }} to pass it as one word, or use argv [shell-template]"
            ], "\(validated)")

        // Quoted, a value that tries to break out is printed, not run.
        try repo.write(
            "workflows/quoted.yaml",
            """
            id: quoted
            inputs:
              x: { type: string }
            steps:
              - id: say
                tool: sire:local/shell.run
                params: { command: "printf %s {{ shq(inputs.x) }}", shell: true }

            """)
        try await repo.commit("quoted")
        let marker = repo.sandbox + "/injected"
        let payload = "it's'; touch \(marker); echo '$(touch \(marker))"
        let ran = try await repo.sire("run", "quoted", "--json", "--input", "x=\(payload)")
        let steps = try #require(try ran.jsonObject()["steps"] as? [String: [String: Any]], "\(ran)")
        #expect((steps["say"]?["output"] as? [String: Any])?["stdout"] as? String == payload, "\(ran)")
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test("symbolic links in the work tree are reported and never read")
    func symlinksAreNotFollowed() async throws {
        let repo = try await GitFixture.committed(["workflows/ok.yaml": Workflows.valid("ok")])
        let outside = repo.sandbox + "/outside"
        try FileManager.default.createDirectory(atPath: outside + "/dir", withIntermediateDirectories: true)
        try "password: SECRET-IN-CREDENTIALS\n".write(toFile: outside + "/creds", atomically: true, encoding: .utf8)
        try "root:x:0:0:SECRET-ROOT-LINE\n".write(toFile: outside + "/passwd", atomically: true, encoding: .utf8)
        try "id: far\nsteps: SECRET-IN-DIRECTORY\n".write(
            toFile: outside + "/dir/far.yaml", atomically: true, encoding: .utf8)
        let fm = FileManager.default
        try fm.createSymbolicLink(atPath: repo.root + "/workflows/creds.yaml", withDestinationPath: outside + "/creds")
        try fm.createSymbolicLink(atPath: repo.root + "/sire.yaml", withDestinationPath: outside + "/passwd")
        try fm.createSymbolicLink(atPath: repo.root + "/workflows/linked", withDestinationPath: outside + "/dir")

        for arguments in [["validate"], ["validate", "workflows/creds.yaml"], ["validate", "--format", "json"]] {
            let result = try await repo.sire(arguments)
            #expect(result.status == 1, "\(arguments): \(result)")
            #expect(!result.stdout.contains("SECRET") && !result.stderr.contains("SECRET"), "\(arguments): \(result)")
            #expect(result.stdout.contains("symlink"), "\(arguments): \(result)")
        }
        let all = diagnosticLines(try await repo.sire("validate").stdout)
        #expect(all.contains { $0.hasPrefix("sire.yaml:1:1: error: sire.yaml is a symbolic link") }, "\(all)")
        #expect(
            all.contains { $0.hasPrefix("workflows/creds.yaml:1:1: error:") && $0.hasSuffix("[symlink]") }, "\(all)")
        // A linked directory is not walked at all.
        #expect(!all.contains { $0.contains("far.yaml") }, "\(all)")
    }

    @Test("a file with CRLF line endings still gets its source line and caret")
    func crlfSnippet() async throws {
        let repo = try await GitFixture.committed([
            "workflows/crlf.yaml":
                "id: crlf\r\nsteps:\r\n  - id: a\r\n    tool: sire:local/nope.nothing\r\n"
        ])
        let result = try await repo.sire("validate")
        #expect(result.status == 1, "\(result)")
        let lines = result.lines
        let headline =
            "workflows/crlf.yaml:4:22: error: unknown built-in tool 'sire:local/nope.nothing' [unknown-builtin]"
        let index = try #require(lines.firstIndex(of: headline), "\(result)")
        // "\r\n" is one Character in Swift, so splitting the source on "\n" finds no lines.
        #expect(
            lines.dropFirst(index + 1).first == " 4 |     tool: sire:local/nope.nothing",
            "\(result)")
        #expect(lines.dropFirst(index + 2).first == "   |                      ^", "\(result)")

    }

    @Test("a bare repository is validated at HEAD")
    func bareRepository() async throws {
        let repo = try await GitFixture.committed(["workflows/bad.yaml": Workflows.unknownBuiltin("bad")])
        let sha = try await repo.git("rev-parse HEAD")
        try await repo.git(["clone", "--quiet", "--bare", repo.root, repo.sandbox + "/bare.git"])
        let result = try await SireBinary.run(["validate"], in: repo.sandbox + "/bare.git")
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("workflows/bad.yaml:4:22: error:"), "\(result)")
        #expect(result.lines.last?.contains("at \(sha.prefix(7))") == true, "\(result)")
    }

    @Test("from a subdirectory, validate still reads the whole work tree")
    func fromSubdirectory() async throws {
        let repo = try await GitFixture.committed([
            "workflows/bad.yaml": Workflows.unknownBuiltin("bad"),
            "docs/readme.md": "docs\n",
        ])
        let result = try await SireBinary.run(["validate"], in: repo.root + "/docs")
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.hasPrefix("workflows/bad.yaml:4:22: error:"), "\(result)")
    }

    @Test(
        "files outside the workflow directories, hidden files and other extensions are not workflows"
    )
    func whatIsAWorkflow() async throws {
        let repo = try await GitFixture.committed([
            "workflows/a.yaml": Workflows.valid("a"),
            "workflows/b.yml": Workflows.valid("b"),
            "workflows/.hidden/c.yaml": Workflows.unknownBuiltin("c"),
            "workflows/notes.json": "{}",
            "elsewhere/d.yaml": Workflows.unknownBuiltin("d"),
        ])
        let workTree = try await repo.sire("validate")
        #expect(workTree.status == 0, "\(workTree)")
        #expect(workTree.lines == ["2 workflows valid"], "\(workTree)")

        // The controller deploys commits, so a commit must hold the same workflows the work tree
        // check promised.
        let atHead = try await repo.sire("validate", "--rev", "HEAD", "--json")
        let paths = (try atHead.jsonObject()["workflows"] as? [[String: Any]])?.compactMap {
            $0["path"] as? String
        }
        #expect(atHead.status == 0, "\(atHead)")
        #expect(paths == ["workflows/a.yaml", "workflows/b.yml"], "\(atHead)")

    }
}
