import Foundation
import SireCore
import SireGit
import SireStore

extension CommitStatusReader {
    /// The runs to list, newest first (by start, as recorded).
    static func runs(_ notes: [RunNote]) -> [CommitStatus.Run] {
        notes.sorted { a, b in
            let ka = instant(a.started_at ?? a.finished_at), kb = instant(b.started_at ?? b.finished_at)
            return ka != kb ? ka > kb : a.run > b.run
        }.map(run)
    }

    static func run(_ note: RunNote) -> CommitStatus.Run {
        let failed = note.steps.filter { $0.value.status == "failed" }.sorted { $0.key < $1.key }.map {
            CommitStatus.FailedStep(id: $0.key, attempts: $0.value.attempts, error: $0.value.error)
        }
        return CommitStatus.Run(
            id: note.run, workflow: note.workflow, status: note.status, trigger: note.trigger,
            startedAt: note.started_at, finishedAt: note.finished_at, durationMs: note.duration_ms, error: note.error,
            failedSteps: failed)
    }

    /// A ledger time as seconds since 1970, for ordering; unreadable times sort first.
    static func instant(_ text: String) -> Double {
        RFC3339.parse(text)?.timeIntervalSince1970 ?? -.infinity
    }

    /// Unfinished runs pinned to `commit` in this host's index, oldest first; none when the
    /// state directory has no index (one is never created just to look).
    func unfinishedRuns(on commit: ObjectID) throws -> [CommitStatus.LocalRun] {
        try localIndex { store in
            // Few runs are unfinished at any time; a commit can have any number of finished ones.
            let sha = commit.description
            let runs = try store.snapshot { tx in try tx.unfinishedRuns() }.filter {
                $0.commit.sha == sha && !$0.status.isFinished
            }
            return runs.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }.map { run in
                CommitStatus.LocalRun(
                    id: run.id, workflow: run.workflowID, status: run.status.rawValue,
                    trigger: RunNote.Trigger(type: run.trigger.type, key: run.trigger.key),
                    createdAt: RFC3339.format(run.createdAt, in: .utc, milliseconds: true),
                    startedAt: run.startedAt.map { RFC3339.format($0, in: .utc, milliseconds: true) })
            }
        } ?? []
    }

    /// `read` over this host's index; nil when the state directory has none (one is never
    /// created just to look).
    func localIndex<T>(_ read: (Store) throws -> T) throws -> T? {
        guard let stateDirectory else { return nil }
        let index = (stateDirectory as NSString).appendingPathComponent("index.sqlite")
        guard FileManager.default.fileExists(atPath: index) else { return nil }
        do {
            return try read(try Store(directory: stateDirectory))
        } catch {
            throw ControllerError(.io, "cannot read the index in \(stateDirectory)", cause: error)
        }
    }
}
