import Foundation
import SireCore
import SireStore

/// How one step (all its attempts, items and iterations) ended, as its task reports it.
struct StepResult: Sendable {
    var status: StepStatus
    var output: Value?
    var error: String?
    /// What the tool produced with its failure (process output, HTTP response).
    var errorOutput: Value?
    var attempts: Int
    var startedAt: Date
    var finishedAt: Date
    /// The output came from the cache.
    var cached: Bool = false
}

/// What wakes the run loop: a step that ended, or one of the run's watchers.
enum RunSignal: Sendable {
    case step(Int, StepResult)
    case cancelRequested
    case timedOut
    /// A watcher ended because the run is being wound down.
    case watcherStopped
}
