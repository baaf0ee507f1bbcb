import ScalerHTTP

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
        // The requests inside see a deadline a little earlier, so that they end with their own
        // failure before the cut-off has to end them as a timeout.
        let finished: [Result?] = await CallDeadline.within(seconds: seconds * 0.9, clock: clock) {
            await withTaskGroup(of: (Int, Result)?.self) { group in
                group.addTask {
                    try? await clock.sleep(for: .milliseconds(Int64(seconds * 1000)))
                    return nil
                }
                var results = [Result?](repeating: nil, count: items.count)
                var next = 0
                var running = 0
                var expired = false
                func startNext() {
                    let (index, item) = (next, items[next])
                    group.addTask { (index, await operation(item)) }
                    next += 1
                    running += 1
                }
                while next < min(width, items.count) { startNext() }
                while running > 0, let done = await group.next() {
                    guard let (index, result) = done else {
                        expired = true
                        group.cancelAll()
                        continue
                    }
                    results[index] = result
                    running -= 1
                    if !expired, next < items.count { startNext() }
                }
                // The timer, when every call ended before it.
                group.cancelAll()
                return results
            }
        }
        return zip(items, finished).map { item, result in result ?? unreached(item) }
    }
}
