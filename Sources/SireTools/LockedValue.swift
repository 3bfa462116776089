import Synchronization

/// A value shared between tasks, behind a lock; a class so closures can share it.
final class LockedValue<Wrapped: Sendable>: Sendable {
    private let mutex: Mutex<Wrapped>

    init(_ value: Wrapped) {
        mutex = Mutex(value)
    }

    var value: Wrapped {
        get { mutex.withLock { $0 } }
        set { mutex.withLock { $0 = newValue } }
    }
}
