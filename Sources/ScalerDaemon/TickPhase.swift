import ScalerHTTP
import Synchronization

/// One phase of a tick (observing, or pushing) for every endpoint at once: at most `width` run
/// together, and one deadline, with one timer, bounds them all. A timer and a task group per call
/// cost more than the decisions at 10,000 endpoints.
///
/// When the deadline passes, the calls still running are cancelled (they report it as their
/// own timeout) and those not yet started are never started: nil, or `unreached`, stands for them.
struct TickPhase: Sendable {
    let seconds: Double
    let width: Int
    let clock: any Clock<Duration>

    /// `operation` for each of `items`, and `unreached` for those the deadline left unreached.
    func run<Item: Sendable, Result: Sendable>(
        _ items: [Item],
        operation: @escaping @Sendable (Item) async -> Result,
        unreached: (Item) -> Result
    ) async -> [Result] {
        var results = await run(count: items.count) { await operation(items[$0]) }
        return items.indices.map { results[$0].take() ?? unreached(items[$0]) }
    }

    /// Calls `operation` for each index below `count`; an index the deadline left unreached is
    /// nil in the result, for the caller to stand for. Each worker puts its results straight
    /// into the one array: at 10,000 endpoints, the workers' batches, the optional slots and the
    /// final array (each a decision per endpoint) were three copies alive at once, 15-20 MB.
    func run<Result: Sendable>(count: Int, operation: @escaping @Sendable (Int) async -> Result) async -> [Result?] {
        guard count > 0 else { return [] }
        let clock = self.clock
        let seconds = self.seconds
        let results = Results<Result>(count: count)
        await withTaskGroup(of: Ended.self) { group in
            group.addTask {
                try? await clock.sleep(for: .milliseconds(Int64(seconds * 1000)))
                return .deadline
            }
            // `width` workers take the indices in turn: as many calls at once as before, but
            // not a task per call.
            let queue = WorkQueue()
            let workers = min(max(1, width), count)
            for _ in 0..<workers {
                group.addTask {
                    while !Task.isCancelled, let index = queue.take(below: count) {
                        // The requests inside see a deadline a little earlier than the phase's,
                        // counted from when the call starts (not from when its worker was
                        // scheduled), so that they end with their own failure before the
                        // cut-off has to end them as a timeout.
                        let result = await CallDeadline.within(seconds: seconds * 0.9, clock: clock) { await operation(index) }
                        results.put(result, at: index)
                    }
                    return .worker
                }
            }
            var working = workers
            while working > 0, let ended = await group.next() {
                switch ended {
                case .worker: working -= 1
                // The deadline: calls still running are cancelled, and no worker takes another.
                case .deadline: group.cancelAll()
                }
            }
            // The timer, when every call ended before it.
            group.cancelAll()
        }
        return results.taken()
    }
}

/// What ended in a phase's task group.
private enum Ended {
    case worker
    case deadline
}

/// Where a phase's workers put their results, by index.
private final class Results<Result: Sendable>: Sendable {
    private let slots: Mutex<[Result?]>

    init(count: Int) {
        slots = Mutex([Result?](repeating: nil, count: count))
    }

    func put(_ result: sending Result, at index: Int) {
        slots.withLock { $0[index] = result }
    }

    /// Moved out, not copied: once every worker has ended.
    func taken() -> [Result?] {
        slots.withLock { slots in
            var taken: [Result?] = []
            swap(&taken, &slots)
            return taken
        }
    }
}

/// The next item a phase's worker takes.
private final class WorkQueue: Sendable {
    private let next = Atomic<Int>(0)

    func take(below count: Int) -> Int? {
        let index = next.add(1, ordering: .relaxed).oldValue
        return index < count ? index : nil
    }
}
