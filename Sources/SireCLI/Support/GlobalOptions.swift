import ArgumentParser

/// Options every command accepts.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The repository (default: discovered from the working directory).")
    var repo: String?

    @Option(name: .long, help: "The state directory (default: <git-dir>/sire/).")
    var state: String?

    @Option(name: .long, help: "Log format: text or json.")
    var logFormat: LogFormat = .text

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    enum LogFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }
}

/// Output formats of `validate` and `check`.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, sarif, github
}
