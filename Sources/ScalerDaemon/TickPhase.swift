import ScalerHTTP
import Synchronization

/// One phase of a tick (observing, or pushing) for every endpoint at once: at most `width` run
/// together, and one deadline, with one timer, bounds them all. A timer and a task group per call
/// cost more than the decisions at 10,000 endpoints.
///
/// When the deadline passes, the calls still running are cancelled (they report it as their
/// own timeout) and those not yet started are never started: `unreached` stands for them.
struct TickPhase: Sendable {
    let seconds: Double
    let width: Int
    let clock: any Clock<Duration>

    func run<Item: Sendable, Result: Sendable>(
        _ items: [Item],
        operation: @escaping @Sendable (Item) async -> Result,
        unreached: (Item) -> Result
    ) async -> [Result] {
        guard !items.isEmpty else { return [] }
        let clock = self.clock
        let seconds = self.seconds
        let width = max(1, self.width)
        var slots: [Result?] = await withTaskGroup(of: [(Int, Result)]?.self) { group in
                group.addTask {
                    try? await clock.sleep(for: .milliseconds(Int64(seconds * 1000)))
                    return nil
                }
                // `width` workers take the items in turn: as many calls at once as before, but
                // not a task per item.
                let queue = WorkQueue()
                let workers = min(width, items.count)
                for _ in 0..<workers {
                    group.addTask {
                        var done: [(Int, Result)] = []
                        while !Task.isCancelled, let index = queue.take(below: items.count) {
                            // The requests inside see a deadline a little earlier than the
                            // phase's, counted from when the call starts (not from when its
                            // worker was scheduled), so that they end with their own failure
                            // before the cut-off has to end them as a timeout.
                            let result = await CallDeadline.within(seconds: seconds * 0.9, clock: clock) { await operation(items[index]) }
                            done.append((index, result))
                        }
                        return done
                    }
                }
                var results = [Result?](repeating: nil, count: items.count)
                var working = workers
                while working > 0, let next = await group.next() {
                    guard var batch = next else {
                        // The deadline: calls still running are cancelled, and no worker takes another.
                        group.cancelAll()
                        continue
                    }
                    // Popped, so moved rather than copied.
                    while let (index, result) = batch.popLast() { results[index] = result }
                    working -= 1
                }
                // The timer, when every call ended before it.
                group.cancelAll()
                return results
        }
        // Moved out, not copied: a result can be a whole decision.
        var results: [Result] = []
        results.reserveCapacity(items.count)
        for index in items.indices { results.append(slots[index].take() ?? unreached(items[index])) }
        return results
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
