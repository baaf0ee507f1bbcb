import Foundation
import Testing
@testable import ScalerCore

/// How much of the rise history the SLO's own budget lets the headroom leave uncovered.
@Suite struct ServiceLevelBudget {
    private let slo = ServiceLevelObjective(wait: 2, overTarget: 0.01, window: 3600, assumedColdStart: 30)
    private let reach: TimeInterval = 35

    /// An hour of 5-minute spans, each with `loadSeconds` of load-weighted time, rising by
    /// 20 requests but for one rise of `rare`.
    private func history(rare: Double, loadSeconds: Double, spentInWindow: Double = 0) -> ServiceLevelState {
        let spans = (0..<12).map { index in
            LoadSpan(start: at(-3600 + Double(index) * 300), largestRise: index == 6 ? rare : 20, loadSeconds: loadSeconds)
        }
        return ServiceLevelState(rises: spans, ledger: [ShareSpan(start: at(-300), load: loadSeconds, overTarget: spentInWindow, seconds: 300)])
    }

    @Test func aRareRiseWhoseWaitsFitTheBudgetIsLeftUncovered() throws {
        // 360,000 load-weighted seconds an hour: 1% is 3,600. A 60-request rise past 20 requests of
        // headroom waits past 2 s for the last 34 s of the reach: about 2,000.
        let budgeted = try #require(history(rare: 60, loadSeconds: 30_000).budgetedHeadroom(slo, reach: reach))
        #expect(budgeted.largest == 60)
        #expect(budgeted.headroom < 60 && budgeted.headroom >= 19, "\(budgeted.headroom)")
        #expect(budgeted.uncovered <= slo.overTarget)
    }

    @Test func aRiseWhoseWaitsWouldSpendMoreThanTheBudgetIsCovered() throws {
        // A tenth of the load: the same rise would keep 5.6% of the hour's load-weighted time over target.
        let budgeted = try #require(history(rare: 60, loadSeconds: 3_000).budgetedHeadroom(slo, reach: reach))
        #expect(budgeted.headroom > 20 && budgeted.headroom < 60, "it leaves only what fits: \(budgeted.headroom)")
        #expect(budgeted.uncovered <= slo.overTarget)
        let quiet = try #require(history(rare: 60, loadSeconds: 300).budgetedHeadroom(slo, reach: reach))
        #expect(quiet.headroom > 59.9, "at a hundredth of the load only a rise's last sliver, which waits past 2 s for a moment, fits")
    }

    @Test func aWindowThatSpentItsShareCoversEveryRise() throws {
        let spent = try #require(history(rare: 60, loadSeconds: 30_000, spentInWindow: 3_600).budgetedHeadroom(slo, reach: reach))
        #expect(spent.headroom == 60)
        #expect(spent.spent >= slo.overTarget)
    }

    @Test func stateSavedBeforeLoadWasKeptPerSpanFallsBackToTheSpans() throws {
        let saved = #"{"start":0,"largestRise":40,"highestLoad":50}"#
        let span = try JSONDecoder().decode(LoadSpan.self, from: Data(saved.utf8))
        #expect(span.loadSeconds == 0 && span.overTargetSeconds == 0)
        #expect(ServiceLevelState(rises: [span]).budgetedHeadroom(slo, reach: reach) == nil)
    }

    @Test func eachSpanKeepsItsLoadWeightedSecondsAndThoseOverTarget() {
        var learned = ServiceLevelState()
        learned.learn(load: 10, warm: true, queueDelay: 0, slo: slo, coldStart: 30, now: at(0))
        learned.learn(load: 10, warm: true, queueDelay: 0, slo: slo, coldStart: 30, now: at(5))
        learned.learn(load: 40, warm: false, queueDelay: 3, slo: slo, coldStart: 30, now: at(10))
        #expect(learned.rises.last?.loadSeconds == 250)
        #expect(learned.rises.last?.overTargetSeconds == 200)
    }

    /// A saved state is read back from a file, and a rise is a product of readings: neither
    /// a rise too large to price nor an infinite one may stall the tick.
    @Test(arguments: [Double.infinity, 1e308, Double.greatestFiniteMagnitude])
    func aRiseTooLargeToPriceEndsTheSearchCovered(rare: Double) throws {
        let budgeted = try #require(history(rare: rare, loadSeconds: 30_000).budgetedHeadroom(slo, reach: reach))
        #expect(budgeted.largest == rare)
        #expect(budgeted.headroom >= rare / 2, "kept warm for, not left to wait: \(budgeted.headroom)")
        var policy = queuePolicy(target: 2, min: 0, max: 40, idle: 30)
        policy.maxConcurrentPerWorker = 8
        policy.slo = slo
        var state = warmedState(since: -7200)
        var learned = history(rare: rare, loadSeconds: 30_000)
        learned.recentLoads = [TimedLoad(at: at(-5), requests: 0)]
        learned.since = at(-3600)
        state.serviceLevel = learned
        let decision = run(policy, startingAt: 0, [.idle], state: state)[0]
        #expect(decision.desiredReplicas == 40, "held to max_replicas")
    }

    @Test func theExplanationSaysWhatTheBudgetLeftUncovered() {
        var policy = queuePolicy(target: 2, min: 0, max: 40, idle: 30)
        policy.maxConcurrentPerWorker = 8
        policy.slo = slo
        var state = warmedState(since: -7200)
        var learned = history(rare: 60, loadSeconds: 30_000)
        learned.recentLoads = [TimedLoad(at: at(-5), requests: 0)]
        learned.since = at(-3600)
        state.serviceLevel = learned
        let decision = run(policy, startingAt: 0, [.idle], state: state)[0]
        let detail = decision.clamps.first { $0.kind == .headroom }?.detail ?? ""
        #expect(detail.contains("the load rose by up to 60 requests"), "\(detail)")
        #expect(detail.contains("of it covered: the larger rises would have kept"), "\(detail)")
    }
}
