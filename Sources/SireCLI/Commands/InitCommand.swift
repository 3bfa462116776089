import ArgumentParser
import Foundation
import SireGit

/// `sire-git init`: scaffold `sire.yaml` and `workflows/hello.yaml`.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Scaffold sire.yaml and workflows/hello.yaml in the repository.")

    @OptionGroup var global: GlobalOptions

    static let config = """
        # sire-git configuration; see the README for every key.
        workflows: [workflows]      # directories scanned for *.yaml / *.yml
        # branch: main              # tracked branch (default: the repository's default branch)
        # allow_empty: false        # refuse a commit that removes every workflow
        # servers:                  # MCP servers usable as mcp://NAME/TOOL
        #   notes: { command: [python3, tools/notes_server.py] }

        """

    static let hello = """
        id: hello
        name: Hello
        description: Says hello every hour, and on demand.
        inputs:
          who: { type: string, default: world }
        on:
          schedule:
            - cron: "0 * * * *"
          http: {}
        steps:
          - id: greet
            tool: sire:local/log.write
            params: { level: info, message: "hello, {{ inputs.who }} from {{ git.short_sha }}" }

        """

    func run() async throws {
        let cwd = FileManager.default.currentDirectoryPath
        let root: String
        if let repository = try? Repository.discover(from: global.repo ?? cwd), let work = repository.workDirectory {
            root = work
        } else if let repo = global.repo {
            root = repo
        } else {
            root = cwd
        }
        let fm = FileManager.default
        let configPath = (root as NSString).appendingPathComponent("sire.yaml")
        let helloPath = (root as NSString).appendingPathComponent("workflows/hello.yaml")
        for path in [configPath, helloPath] where fm.fileExists(atPath: path) {
            throw CLIError.usage("\(path) already exists; init does not overwrite files")
        }
        try fm.createDirectory(
            atPath: (root as NSString).appendingPathComponent("workflows"), withIntermediateDirectories: true)
        try Data(Self.config.utf8).write(to: URL(fileURLWithPath: configPath))
        try Data(Self.hello.utf8).write(to: URL(fileURLWithPath: helloPath))
        print("created sire.yaml")
        print("created workflows/hello.yaml")
        print("next: sire-git validate, then commit and push")
    }
}
