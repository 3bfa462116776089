import Foundation
import SireCore
import SireGit

/// One finished run as the ledger knows it: what its record line says, with the commit it is
/// noted on. Lines are written in the compact version 2 form (``line(blobIsDerivable:)``);
/// the version 1 lines of `refs/notes/sire/runs` are still read.
///
/// A line is deterministic — the same run always gives the same bytes — so a record rewritten
/// after a crash merges into the one already there (notes are a union of lines).
package struct RunNote: Codable, Sendable, Hashable {
    package struct Trigger: Codable, Sendable, Hashable {
        package var type: String
        package var key: String

        package init(type: String, key: String) {
            self.type = type
            self.key = key
        }
    }

    package struct Step: Codable, Sendable, Hashable {
        package var status: String
        package var attempts: Int
        package var duration_ms: Int
        package var error: String?

        package init(status: String, attempts: Int, duration_ms: Int, error: String? = nil) {
            self.status = status
            self.attempts = attempts
            self.duration_ms = duration_ms
            self.error = error
        }
    }

    /// The version of the line this was read from (1 or 2); lines are always written as 2.
    package var v: Int = 2
    package var kind: String = "run"
    package var run: String
    package var workflow: String
    package var path: String
    /// The workflow file's blob; empty when a version 2 line left it out because it is the
    /// file at ``path`` in the commit (see ``resolvingBlob(in:)``).
    package var blob: String
    /// The commit the run was pinned to: the note's key.
    package var commit: String
    /// The commit's tree; empty when read from a version 2 line (it is the commit's).
    package var tree: String
    package var trigger: Trigger
    /// `succeeded`, `failed` or `cancelled`.
    package var status: String
    /// When the run was queued, RFC 3339 UTC with milliseconds.
    package var created_at: String?
    /// RFC 3339 UTC with milliseconds; nil when the run never started.
    package var started_at: String?
    package var finished_at: String
    package var duration_ms: Int
    package var steps: [String: Step]
    package var error: String?
    /// Who ran it (`host:pid:random`), as version 1 lines say; version 2 lines leave it out
    /// (the ledger partition names the index that wrote it).
    package var controller: String
    /// The run this one re-ran, when it is a rerun.
    package var rerun_of: String?
    /// The inputs the run had, secrets replaced by `***`, so a rerun in another clone (after
    /// `reindex`) uses the same ones.
    package var inputs: [String: Value]?
    /// Inputs whose values were redacted: a rerun must be given them again.
    package var redacted_inputs: [String]?

    package init(
        run: String, workflow: String, path: String, blob: String, commit: String, tree: String, trigger: Trigger,
        status: String, started_at: String?, finished_at: String, duration_ms: Int, steps: [String: Step],
        error: String? = nil, controller: String, rerun_of: String? = nil
    ) {
        self.run = run
        self.workflow = workflow
        self.path = path
        self.blob = blob
        self.commit = commit
        self.tree = tree
        self.trigger = trigger
        self.status = status
        self.started_at = started_at
        self.finished_at = finished_at
        self.duration_ms = duration_ms
        self.steps = steps
        self.error = error
        self.controller = controller
        self.rerun_of = rerun_of
    }

    /// The record as one version 2 JSON line (no newline), keys sorted.
    ///
    /// - Parameter blobIsDerivable: the blob is the file at ``path`` in the commit, so the line
    ///   leaves it out.
    package func line(blobIsDerivable: Bool = false) -> String {
        LedgerJSON.line(Line(self, blob: blobIsDerivable || blob.isEmpty ? nil : blob))
    }

    /// The line as stored on `commit`: without the blob when it is the file at ``path`` in that
    /// commit (looked up in `files`).
    package func line(on commit: ObjectID, files: CommitFiles) -> String {
        line(blobIsDerivable: files.blob(of: path, at: commit) == blob)
    }

    /// Whether this record should stand for its run over `other` (a run recorded twice): the
    /// one that finished later, then the greater line, so every reader picks the same.
    package func supersedes(_ other: RunNote) -> Bool {
        (finished_at, line()) > (other.finished_at, other.line())
    }

    /// Parses one line of the note on `commit`: a version 2 line, or a version 1 line pinned to
    /// that commit; nil for blank lines, other kinds and lines this version cannot read.
    package static func parse(_ line: String, on commit: ObjectID) -> RunNote? {
        if let compact = LedgerJSON.decode(Line.self, line), compact.v == 2 {
            return compact.note(on: commit)
        }
        guard var note = LedgerJSON.decode(RunNote.self, line), note.kind == "run", note.v == 1 else { return nil }
        // A version 1 line names its commit itself; one that names another is foreign content.
        guard note.commit == commit.description else { return nil }
        note.v = 1
        return note
    }

    /// This record with ``blob`` and ``tree`` filled in from the commit when the line left them
    /// out; unchanged when the repository does not have the commit or the file.
    package func resolvingBlob(in repository: Repository) -> RunNote {
        guard blob.isEmpty || tree.isEmpty, let commit = ObjectID(commit) else { return self }
        var note = self
        if tree.isEmpty, let info = try? repository.commit(commit) { note.tree = info.tree.description }
        if blob.isEmpty, let file = try? repository.file(at: path, in: commit) { note.blob = file.blob.description }
        return note
    }

    /// The version 2 line: the commit is the note's key and the tree the commit's, so neither
    /// is repeated; times are the queue time plus millisecond offsets.
    private struct Line: Codable {
        var v = 2
        var run: String
        var workflow: String
        var path: String
        /// Only when it is not the file at `path` in the commit.
        var blob: String?
        /// The trigger type and its idempotency key (omitted when empty).
        var on: String
        var key: String?
        var status: String
        /// Queued at.
        var at: String
        /// From queued to started; absent when the run never started.
        var wait_ms: Int?
        /// From started (or queued, if it never started) to finished.
        var ms: Int
        var steps: [String: StepLine]
        var error: String?
        var rerun_of: String?
        var inputs: [String: Value]?
        var redacted_inputs: [String]?

        init(_ note: RunNote, blob: String?) {
            run = note.run
            workflow = note.workflow
            path = note.path
            self.blob = blob
            on = note.trigger.type
            key = note.trigger.key.isEmpty ? nil : note.trigger.key
            status = note.status
            let finished = RFC3339.parse(note.finished_at)
            let started = note.started_at.flatMap(RFC3339.parse)
            let created =
                note.created_at.flatMap(RFC3339.parse) ?? started ?? finished ?? Date(timeIntervalSince1970: 0)
            at = RunNote.timestamp(created)
            wait_ms = started.map { RunNote.milliseconds(from: created, to: $0) }
            ms = finished.map { RunNote.milliseconds(from: started ?? created, to: $0) } ?? note.duration_ms
            steps = note.steps.mapValues(StepLine.init)
            error = note.error
            rerun_of = note.rerun_of
            inputs = note.inputs?.isEmpty ?? true ? nil : note.inputs
            redacted_inputs = note.redacted_inputs?.isEmpty ?? true ? nil : note.redacted_inputs
        }

        func note(on commit: ObjectID) -> RunNote? {
            guard let created = RFC3339.parse(at) else { return nil }
            let started = wait_ms.map { created.addingTimeInterval(Double($0) / 1000) }
            let finished = (started ?? created).addingTimeInterval(Double(ms) / 1000)
            var note = RunNote(
                run: run, workflow: workflow, path: path, blob: blob ?? "", commit: commit.description, tree: "",
                trigger: Trigger(type: on, key: key ?? ""), status: status,
                started_at: started.map(RunNote.timestamp), finished_at: RunNote.timestamp(finished),
                duration_ms: ms, steps: steps.mapValues(\.step), error: error, controller: "", rerun_of: rerun_of)
            note.created_at = at
            note.inputs = inputs ?? [:]
            note.redacted_inputs = redacted_inputs
            return note
        }
    }

    /// A step as `[status, attempts, ms]`, or `[status, attempts, ms, error]`.
    private struct StepLine: Codable {
        var step: Step

        init(_ step: Step) { self.step = step }

        init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            step = Step(
                status: try container.decode(String.self), attempts: try container.decode(Int.self),
                duration_ms: try container.decode(Int.self),
                error: container.isAtEnd ? nil : try container.decode(String.self))
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.unkeyedContainer()
            try container.encode(step.status)
            try container.encode(step.attempts)
            try container.encode(step.duration_ms)
            if let error = step.error { try container.encode(error) }
        }
    }
}

/// The blob ids of files at commits, each looked up in the repository once: a ledger batch
/// holds hundreds of records of the same workflow file at the same commit.
package final class CommitFiles {
    private let repository: Repository
    private var known: [String: String] = [:]

    package init(_ repository: Repository) { self.repository = repository }

    /// The blob id of `path` at `commit`; empty when the commit or the file is not there.
    package func blob(of path: String, at commit: ObjectID) -> String {
        let key = "\(commit) \(path)"
        if let blob = known[key] { return blob }
        let blob = (try? repository.file(at: path, in: commit))?.blob.description ?? ""
        known[key] = blob
        return blob
    }
}
