import SireCore

extension WorkflowChecker {
    /// `shell-template`: a `{{ … }}` spliced into the `command` of a `shell.run` step that
    /// runs it with `shell: true`, unless the part is quoted with `shq(…)`. Whatever the value
    /// holds (an input, a commit message, a step's output) is read by the shell as code.
    func checkShellTemplates() {
        for (index, step) in workflow.steps.enumerated() {
            guard step.tool == .local("shell.run"), case .object(let params) = step.params,
                params["shell"] == .literal(.bool(true)), case .template(let command)? = params["command"],
                let site = sites.first(where: { site in
                    guard site.step == index, case .template(let template) = site.content else { return false }
                    return template == command
                })
            else { continue }
            let scalars = Array(command.source.unicodeScalars)
            for case .expression(let expression, let range) in command.parts {
                if case .call(name: "shq", _, _) = expression.root.kind { continue }
                var text = String.UnicodeScalarView()
                text.append(contentsOf: scalars[range.clamped(to: 0..<scalars.count)])
                decoder.report(
                    Rule.shellTemplate, at: decoder.position(of: site.node, offset: range.lowerBound),
                    "'\(String(text))' is spliced into a shell command unquoted: its value runs as shell "
                        + "code; write {{ shq(…) }} to pass it as one word, or use argv",
                    severity: .warning)
            }
        }
    }
}
