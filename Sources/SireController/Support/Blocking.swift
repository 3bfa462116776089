import Dispatch

/// Runs blocking work (libgit2, the index's blocking API) on a serial dispatch queue instead of
/// a thread of the cooperative pool, which has only as many threads as cores.
package final class Blocking: Sendable {
    private let queue: DispatchQueue

    package init(label: String) {
        queue = DispatchQueue(label: label)
    }

    package func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }
}
