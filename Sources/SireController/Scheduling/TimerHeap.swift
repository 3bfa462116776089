import Foundation

/// A binary min-heap of deadlines: the scheduler's queue of next fire times.
///
/// Entries are never updated in place; a caller that replaces an entry pushes a new one and
/// recognises the old one as stale when it surfaces (see ``Scheduler``).
struct TimerHeap<Payload> {
    struct Element {
        var deadline: Date
        /// Breaks deadline ties in insertion order, so equal deadlines pop first-in first-out.
        var sequence: UInt64
        var payload: Payload

        func precedes(_ other: Element) -> Bool {
            (deadline, sequence) < (other.deadline, other.sequence)
        }
    }

    private(set) var elements: [Element] = []
    private var nextSequence: UInt64 = 0

    var isEmpty: Bool { elements.isEmpty }
    var count: Int { elements.count }

    /// The earliest element.
    var top: Element? { elements.first }

    mutating func push(_ deadline: Date, _ payload: Payload) {
        elements.append(Element(deadline: deadline, sequence: nextSequence, payload: payload))
        nextSequence += 1
        siftUp(elements.count - 1)
    }

    @discardableResult
    mutating func pop() -> Element? {
        guard !elements.isEmpty else { return nil }
        elements.swapAt(0, elements.count - 1)
        let result = elements.removeLast()
        if !elements.isEmpty { siftDown(0) }
        return result
    }

    /// Keeps only the elements `keep` accepts, restoring the heap order in O(n).
    mutating func filter(_ keep: (Element) -> Bool) {
        elements.removeAll { !keep($0) }
        var index = elements.count / 2
        while index > 0 {
            index -= 1
            siftDown(index)
        }
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard elements[child].precedes(elements[parent]) else { return }
            elements.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < elements.count else { return }
            var smallest = left
            if left + 1 < elements.count, elements[left + 1].precedes(elements[left]) { smallest = left + 1 }
            guard elements[smallest].precedes(elements[parent]) else { return }
            elements.swapAt(smallest, parent)
            parent = smallest
        }
    }
}
