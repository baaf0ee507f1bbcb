/// A worker-side event: a request finishing or a worker becoming ready.
struct WorkerEvent {
    enum Kind: UInt8 { case completion, ready }

    var time: Double
    /// Tie-breaker: events at the same instant run in the order they were scheduled.
    var sequence: UInt64
    var kind: Kind
    var worker: Int32

    func precedes(_ other: WorkerEvent) -> Bool {
        time != other.time ? time < other.time : sequence < other.sequence
    }
}

/// A binary min-heap of events; the simulator's only ordering structure.
struct EventHeap {
    private var items: [WorkerEvent] = []
    private var nextSequence: UInt64 = 0

    var first: WorkerEvent? { items.first }
    var isEmpty: Bool { items.isEmpty }

    mutating func push(time: Double, kind: WorkerEvent.Kind, worker: Int) {
        items.append(WorkerEvent(time: time, sequence: nextSequence, kind: kind, worker: Int32(worker)))
        nextSequence += 1
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child].precedes(items[parent]) else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> WorkerEvent? {
        guard !items.isEmpty else { return nil }
        let top = items[0]
        let last = items.removeLast()
        guard !items.isEmpty else { return top }
        items[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < items.count, items[left].precedes(items[smallest]) { smallest = left }
            if right < items.count, items[right].precedes(items[smallest]) { smallest = right }
            guard smallest != parent else { break }
            items.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }
}
