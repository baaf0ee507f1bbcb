import Foundation

/// What the SLO's budget lets the headroom leave uncovered (`ServiceLevelState.budgetedHeadroom`).
struct BudgetedHeadroom: Sendable, Hashable {
    /// The rise to keep warm capacity for.
    let headroom: Double
    /// The largest rise of the history.
    let largest: Double
    /// The share of a window's load-weighted time the rises past `headroom` would have kept over
    /// target.
    let uncovered: Double
    /// The share the current window has already spent.
    let spent: Double
}

extension ServiceLevelState {
    /// The smallest headroom whose uncovered rises would have kept a window's load-weighted share
    /// over target within the SLO; `nil` before any load-weighted second is known (state saved
    /// before they were kept).
    ///
    /// A rise R past the warm capacity a headroom H keeps (H / `carriedPerSlot` in slots, see
    /// `Autoscaler.applyHeadroom`) waits past `wait` only once the queue it builds outgrows what
    /// those slots finish within `wait`, t* = wait x slots / (R - slots) after it began, and
    /// until help is ready, one reach after it began: R x (reach - t*) load-weighted seconds.
    /// The history's uncovered rises, spread over its windows, must fit in a window's share of
    /// load less what the current window has already spent. Where they cannot (a window that
    /// already spent its share), it is the largest rise.
    func budgetedHeadroom(_ slo: ServiceLevelObjective, reach: TimeInterval) -> BudgetedHeadroom? {
        let total = rises.reduce(0) { $0 + $1.loadSeconds }
        guard let first = rises.first?.start, let last = rises.last?.start, total > 0, reach > 0 else { return nil }
        let largest = rises.map(\.largestRise).max() ?? 0
        let windows = max(1, (last.timeIntervalSince(first) + slo.span) / slo.window)
        let perWindow = total / windows
        let spent = ledger.reduce(0) { $0 + $1.overTarget } / perWindow
        let allowed = slo.overTarget - spent
        let covering = BudgetedHeadroom(headroom: largest, largest: largest, uncovered: 0, spent: spent)
        // A rise too large to price (read from a saved state, or a product of readings) is covered.
        guard allowed > 0, largest > 0, largest.isFinite else { return covering }
        let carried = slo.carriedPerSlot(reach: reach)
        func uncovered(_ headroom: Double) -> Double {
            let slots = headroom / carried
            let seconds = rises.reduce(0) { sum, span in
                let rise = span.largestRise
                guard rise > headroom, rise > slots else { return sum }
                return sum + rise * max(0, reach - slo.wait * slots / (rise - slots))
            }
            return seconds / windows / perWindow
        }
        var (low, high) = (0.0, largest)
        for _ in 0..<Self.budgetSteps where high - low > Self.budgetPrecision {
            let middle = (low + high) / 2
            if uncovered(middle) <= allowed { high = middle } else { low = middle }
        }
        return BudgetedHeadroom(headroom: high, largest: largest, uncovered: uncovered(high), spent: spent)
    }

    /// How close, in requests, the budgeted headroom is searched for.
    static let budgetPrecision = 0.01
    /// At most this many halvings: enough for `budgetPrecision` below 1e17 requests, and a bound
    /// on the tick whatever the history holds.
    static let budgetSteps = 64
}
