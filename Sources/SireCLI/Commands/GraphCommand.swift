import ArgumentParser
import Foundation
import SireCore
import SireSpec

/// `sire-git graph WORKFLOW [--format dot|mermaid]`
struct GraphCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Print a workflow's step graph as Graphviz dot or Mermaid.")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case dot, mermaid
    }

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The workflow id (or its file path).")
    var workflow: String

    @Option(help: "Read the workflow at this revision instead of the work tree.")
    var rev: String?

    @Option(help: "dot or mermaid.")
    var format: Format = .dot

    func run() async throws {
        let (set, _) = try RepositoryLocator.workflows(global, rev: rev)
        let report = set.validate()
        guard let file = report.files.first(where: { $0.workflowID == workflow || $0.path == workflow }) else {
            let ids = report.files.compactMap(\.workflowID)
            throw CLIError.usage("no workflow '\(workflow)'\(Suggestion.hint(for: workflow, in: ids))")
        }
        guard let definition = file.workflow else {
            print(DiagnosticOutput.text(file.diagnostics, sources: set.sources))
            throw CLIError(message: "workflow '\(workflow)' is invalid (\(file.path))", exitCode: 1)
        }
        print(format == .dot ? Self.dot(definition) : Self.mermaid(definition))
    }

    static func dot(_ workflow: Workflow) -> String {
        func quote(_ s: String) -> String {
            "\""
                + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n") + "\""
        }
        var lines = ["digraph \(quote(workflow.id)) {", "  rankdir=LR;", "  node [shape=box, style=rounded];"]
        for step in workflow.steps {
            lines.append("  \(quote(step.id)) [label=\(quote(step.id + "\n" + step.tool.description))];")
        }
        for step in workflow.steps {
            for dependency in step.needs { lines.append("  \(quote(dependency)) -> \(quote(step.id));") }
            if case .goto(let handler) = step.onError {
                lines.append("  \(quote(step.id)) -> \(quote(handler)) [style=dashed, label=\"on_error\"];")
            }
        }
        lines.append("}")
        return lines.joined(separator: "\n")
    }

    static func mermaid(_ workflow: Workflow) -> String {
        // Mermaid ids are restricted; number the steps and show the real ids as labels.
        var ids: [String: String] = [:]
        for (i, step) in workflow.steps.enumerated() { ids[step.id] = "s\(i)" }
        func label(_ s: String) -> String { s.replacingOccurrences(of: "\"", with: "#quot;") }
        var lines = ["flowchart LR"]
        for step in workflow.steps {
            lines.append("  \(ids[step.id]!)[\"\(label(step.id))<br/><small>\(label(step.tool.description))</small>\"]")
        }
        for step in workflow.steps {
            for dependency in step.needs {
                if let from = ids[dependency] { lines.append("  \(from) --> \(ids[step.id]!)") }
            }
            if case .goto(let handler) = step.onError, let to = ids[handler] {
                lines.append("  \(ids[step.id]!) -.->|on_error| \(to)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
