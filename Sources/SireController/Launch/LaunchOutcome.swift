import SireStore

/// What became of a request to start a run.
package enum LaunchOutcome: Sendable {
    /// A new run was recorded and is executing.
    case started(RunRecord)
    /// A new run was recorded and waits for a concurrency slot.
    case queued(RunRecord)
    /// The workflow's concurrency limit is reached and its policy is `skip`.
    case skipped(reason: String)
    /// A run with the same trigger already exists (a tick or a push never yields two runs).
    case existing(RunRecord)

    /// The run, unless the request was skipped.
    package var run: RunRecord? {
        switch self {
        case .started(let run), .queued(let run), .existing(let run): run
        case .skipped: nil
        }
    }
}
