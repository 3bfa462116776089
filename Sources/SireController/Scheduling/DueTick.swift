import Synchronization

/// A due schedule tick from ``Scheduler/dueTicks``: fire it, then say ``done(fired:)``; the
/// scheduler records the tick (and hands out the workflow's next one) only then.
package struct DueTick: Sendable {
    /// The tick to fire.
    package let tick: ScheduleTick
    let answer: TickAnswer

    /// Tells the scheduler the tick was handed on (`fired`), or not (it then stays unrecorded
    /// and fires again after a restart). Only the first answer counts.
    package func done(fired: Bool = true) { answer.resume(fired) }
}

/// The scheduler's wait for one tick's answer, resumed once whoever answers first.
final class TickAnswer: Sendable {
    private let continuation: Mutex<CheckedContinuation<Bool, Never>?>
    private let onResume: @Sendable (TickAnswer) -> Void

    init(_ continuation: CheckedContinuation<Bool, Never>, onResume: @escaping @Sendable (TickAnswer) -> Void) {
        self.continuation = Mutex(continuation)
        self.onResume = onResume
    }

    func resume(_ fired: Bool) {
        guard let continuation = continuation.withLock({ $0.take() }) else { return }
        onResume(self)
        continuation.resume(returning: fired)
    }
}

/// The answers a scheduler is waiting for, so that a consumer that stops (the stream ends)
/// leaves none hanging.
final class Unanswered: Sendable {
    private let answers = Mutex<[ObjectIdentifier: TickAnswer]>([:])

    /// Registers a wait; the answer leaves the set when it is given.
    func add(_ continuation: CheckedContinuation<Bool, Never>) -> TickAnswer {
        let answer = TickAnswer(continuation) { [weak self] answer in
            _ = self?.answers.withLock { $0.removeValue(forKey: ObjectIdentifier(answer)) }
        }
        answers.withLock { $0[ObjectIdentifier(answer)] = answer }
        return answer
    }

    /// Answers every pending wait.
    func answerAll(fired: Bool) {
        for answer in answers.withLock({ Array($0.values) }) { answer.resume(fired) }
    }
}
