import ArgumentParser
import Foundation
import SireController
import SireCore
import SireGit
import SireSpec

/// `sire-git check --base REV [--head REV]`: the pull-request check.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a change (base..head) as a pull-request check.",
        discussion: """
            Validates every workflow at head and fails only on problems the change introduces: \
            problems in files it touches, or problems that did not exist at base. Prints what \
            the change would deploy: workflows added, removed or modified, schedules with their \
            next fire times, and trigger changes. --online also checks MCP tools and their literal \
            params against each server's tools/list, at base and at head (stdio servers start in \
            temporary checkouts), so a server's own changes do not count against the change; \
            --write-note records the offline result.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "The revision the change is based on (the pull request's target).")
    var base: String

    @Option(help: "The revision to check.")
    var head: String = "HEAD"

    @Option(help: "Output format: text, json, sarif or github.")
    var format: ReportFormat = .text

    @Flag(help: "Same as --format json.")
    var json = false

    @Option(help: .hidden)
    var now: String?

    @Flag(help: "Record the result for the head commit in the ledger (refs/notes/sire/checks).")
    var writeNote = false

    @Flag(help: "Also check MCP tool names and literal params against the servers (see validate --online).")
    var online = false

    func run() async throws {
        let repository = try RepositoryLocator.open(global)
        let baseCommit = try RepositoryLocator.resolve(base, in: repository)
        let headCommit = try RepositoryLocator.resolve(head, in: repository)
        let baseSet = try WorkflowSet.load(repository: repository, commit: baseCommit)
        let headSet = try WorkflowSet.load(repository: repository, commit: headCommit)
        let changed = try repository.diff(from: baseCommit.id, to: headCommit.id)
        var paths = Set<String>()
        for change in changed {
            if let p = change.oldPath { paths.insert(p) }
            if let p = change.newPath { paths.insert(p) }
        }
        var baseReport = baseSet.validate()
        // A file that already held an id at base keeps it; a newcomer claiming it is the problem.
        let offlineHead = headSet.validate(incumbents: baseReport.owners)
        var headReport = offlineHead
        if online {
            await ValidateCommand.checkOnline(&baseReport, set: baseSet, repository: repository)
            await ValidateCommand.checkOnline(&headReport, set: headSet, repository: repository)
        }
        let result = CheckResult(base: baseReport, head: headReport, changedPaths: paths)
        let reference =
            try now.map { text in
                guard let date = RFC3339.parse(text) else {
                    throw CLIError.usage("--now: not an RFC 3339 time: \(text)")
                }
                return date
            } ?? Date()
        let output: String
        switch json ? .json : format {
        case .text:
            output = Self.text(result, base: baseCommit, head: headCommit, sources: headSet.sources, now: reference)
        case .json:
            output = Self.json(result, base: baseCommit, head: headCommit, now: reference).jsonString(pretty: true)
        case .sarif:
            output = DiagnosticOutput.sarif(result.newProblems)
        case .github:
            output = DiagnosticOutput.github(result.newProblems)
        }
        if !output.isEmpty { print(output) }
        if writeNote {
            // The record says what is valid at head, whatever this change introduced.
            try LedgerWriter.writeCheck(
                CheckNote.validated(
                    offlineHead, commit: headCommit, toolVersion: SireVersion.current, source: "check",
                    base: baseCommit.id.description),
                gitDirectory: repository.gitDirectory)
        }
        if result.newErrorCount > 0 { throw ExitCode(1) }
    }

    static func nextFires(_ schedule: ScheduleTrigger, after now: Date) -> [String] {
        guard let zone = TimeZones.named(schedule.timeZone) else { return [] }
        return schedule.cron.nextFires(after: now, in: zone, count: 3).map { RFC3339.format($0, in: zone) }
    }

    static func describe(_ schedule: ScheduleTrigger) -> String {
        "schedule '\(schedule.cron.source)' (\(schedule.timeZone))"
    }

    static func describe(_ push: PushTrigger?) -> String {
        guard let push else { return "off" }
        return push.paths.isEmpty ? "any path" : push.paths.joined(separator: ", ")
    }

    static func text(_ result: CheckResult, base: CommitInfo, head: CommitInfo, sources: [String: String], now: Date)
        -> String
    {
        var out: [String] = ["check \(base.id.short)..\(head.id.short)"]
        if result.changes.isEmpty {
            out.append("no workflow changes")
        } else {
            out.append("workflow changes:")
            for change in result.changes {
                let mark = change.kind == .added ? "+" : change.kind == .removed ? "-" : "~"
                var line =
                    "  \(mark) \(change.kind.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(change.id) (\(change.path))"
                if let old = change.oldPath, old != change.path { line += " moved from \(old)" }
                if !change.valid {
                    line +=
                        change.kind == .added
                        ? " — invalid, will not be deployed"
                        : " — invalid, the last good version keeps running"
                }
                out.append(line)
                for schedule in change.schedulesAdded {
                    out.append(
                        "      + \(describe(schedule)) next: \(nextFires(schedule, after: now).joined(separator: ", "))"
                    )
                }
                for schedule in change.schedulesRemoved {
                    out.append("      - \(describe(schedule))")
                }
                if let push = change.push {
                    out.append("      push trigger: \(describe(push.before)) → \(describe(push.after))")
                }
                if let http = change.http {
                    out.append("      http trigger: \(http.before ? "on" : "off") → \(http.after ? "on" : "off")")
                }
                if !change.secretsAdded.isEmpty {
                    out.append("      starts using secrets: \(change.secretsAdded.joined(separator: ", "))")
                }
            }
        }
        if !result.newProblems.isEmpty {
            out.append("")
            out.append("problems introduced by this change:")
            out.append(DiagnosticOutput.text(result.newProblems, sources: sources))
        }
        out.append("")
        let errors = result.newErrorCount
        var summary = errors == 0 ? "ok: no new errors" : "failed: \(errors) new error\(errors == 1 ? "" : "s")"
        let warnings = result.newProblems.count - errors
        if warnings > 0 { summary += ", \(warnings) new warning\(warnings == 1 ? "" : "s")" }
        if !result.preexistingProblems.isEmpty {
            summary +=
                "; \(result.preexistingProblems.count) pre-existing problem"
                + "\(result.preexistingProblems.count == 1 ? "" : "s") in unchanged files not shown"
        }
        out.append(summary)
        return out.joined(separator: "\n")
    }

    static func json(_ result: CheckResult, base: CommitInfo, head: CommitInfo, now: Date) -> Value {
        func schedule(_ s: ScheduleTrigger, withTimes: Bool) -> Value {
            var object: [String: Value] = ["cron": .string(s.cron.source), "timezone": .string(s.timeZone)]
            if withTimes { object["next"] = .array(nextFires(s, after: now).map(Value.string)) }
            return .object(object)
        }
        func push(_ p: PushTrigger?) -> Value {
            p.map { .object(["paths": .array($0.paths.map(Value.string))]) } ?? .null
        }
        return .object([
            "base": .string(base.id.description),
            "head": .string(head.id.description),
            "ok": .bool(result.newErrorCount == 0),
            "new_errors": .int(result.newErrorCount),
            "problems": .array(result.newProblems.map(\.json)),
            "preexisting_problems": .int(result.preexistingProblems.count),
            "changes": .array(
                result.changes.map { change in
                    var object: [String: Value] = [
                        "kind": .string(change.kind.rawValue), "id": .string(change.id), "path": .string(change.path),
                        "valid": .bool(change.valid),
                        "schedules_added": .array(change.schedulesAdded.map { schedule($0, withTimes: true) }),
                        "schedules_removed": .array(change.schedulesRemoved.map { schedule($0, withTimes: false) }),
                    ]
                    if let old = change.oldPath { object["old_path"] = .string(old) }
                    if let p = change.push {
                        object["push"] = .object(["before": push(p.before), "after": push(p.after)])
                    }
                    if !change.secretsAdded.isEmpty {
                        object["secrets_added"] = .array(change.secretsAdded.map(Value.string))
                    }
                    if let h = change.http {
                        object["http"] = .object(["before": .bool(h.before), "after": .bool(h.after)])
                    }
                    return .object(object)
                }),
        ])
    }
}
