import Foundation
import Testing
@testable import ScalerCore

/// The service-level policy's clamps: headroom for the learned rise, feedback on the measured
/// share, release after one cold start.
@Suite struct ServiceLevelPolicy {
    private func policy(overTarget: Double = 0.01, window: Double = 3600, min: Int = 0, max: Int = 40) -> ScalingPolicy {
        var policy = queuePolicy(target: 2, min: min, max: max, idle: 30)
        policy.maxConcurrentPerWorker = 8
        policy.slo = ServiceLevelObjective(wait: 2, overTarget: overTarget, window: window, assumedColdStart: 30)
        return policy
    }

    /// Two hours of history whose spans rose by `rises`, newest last, and nothing else learned.
    private func learned(rises: [Double], scale: Double = 1) -> ScalerState {
        var state = warmedState(since: -7200)
        let spanStarts = rises.indices.map { at(-7200 + Double($0) * 300) }
        state.serviceLevel = ServiceLevelState(
            recentLoads: [TimedLoad(at: at(-5), requests: 0)],
            rises: zip(spanStarts, rises).map { LoadSpan(start: $0, largestRise: $1) },
            scale: scale
        )
        return state
    }

    @Test func headroomKeepsWarmSlotsForTheLargestRiseSeenWithinOneColdStart() {
        let decision = decideOnce(policy(), current: 0, .metrics(delay: 0, queued: 0, inFlight: 0, ready: 0), state: learned(rises: [3, 20, 5, 0]))
        #expect(decision.desiredReplicas == 5, "20 requests, x1.75 as the only rise that large, at 8 per worker")
        let clamp = decision.clamps.first { $0.kind == .headroom }
        #expect(clamp?.before == 0 && clamp?.after == 5)
        #expect(clamp?.detail.contains("the load rose by up to 20 requests within one assumed cold start (30s) and a tick") == true)
        #expect(clamp?.detail.hasSuffix("x1.8 since 1 rise(s) came near it and the next may be larger") == true)
    }

    @Test func eachWorkerCarriesWhatItsSlotsFinishWithinTheWaitUntilAWorkerAskedNowIsReady() {
        var state = learned(rises: Array(repeating: 14, count: 9))
        let unknown = decideOnce(policy(), current: 0, .idle, state: state)
        #expect(unknown.desiredReplicas == 2, "16.1 requests (14 x1.15) at 8.5 per worker: over the 30 s until help is ready, 8 slots x 2 s / 30 s more queue")
        state.serviceTimes = [4]
        let decision = decideOnce(policy(), current: 0, .idle, state: state)
        #expect(decision.desiredReplicas == 2, "what a worker carries over the reach does not depend on the service time")
        #expect(decision.clamps.first?.detail.contains("at 8.5 per worker (8 slots + 0.5 queued within 2s until a worker asked now is ready)") == true)
    }

    @Test func theSLOsShareOfSpansMayGoUncovered() {
        let rises = [50.0] + Array(repeating: 8.0, count: 19)
        let strict = decideOnce(policy(overTarget: 0.01), current: 0, .idle, state: learned(rises: rises))
        let loose = decideOnce(policy(overTarget: 0.05), current: 0, .idle, state: learned(rises: rises))
        #expect(strict.desiredReplicas == 11, "1% of 20 spans is none: the 50-request rise is covered, x1.75 as the only one that large")
        #expect(loose.desiredReplicas == 2, "5% of 20 spans is one: the next largest, 8 requests, x1.075 as 19 came near it")
    }

    @Test func untilAWindowOfHistoryExistsOneWorkersSlotsAreKept() {
        var state = warmedState()
        state.serviceLevel = ServiceLevelState(recentLoads: [TimedLoad(at: at(-5), requests: 0)], rises: [LoadSpan(start: at(-600), largestRise: 0)])
        let decision = decideOnce(policy(), current: 0, .idle, state: state)
        #expect(decision.desiredReplicas == 1)
        #expect(decision.clamps.first?.detail.contains("too little history yet") == true)
    }

    @Test func feedbackScalesTheHeadroomAndSaysWhy() {
        var state = learned(rises: [40, 40, 40, 40])
        state.serviceLevel?.scale = 1.5
        state.serviceLevel?.lastStep = at(-60)
        state.serviceLevel?.ledger = [ShareSpan(start: at(-3000), load: 1000, overTarget: 13, seconds: 3000)]
        let decision = decideOnce(policy(), current: 0, .idle, state: state)
        #expect(decision.clamps.map(\.kind) == [.headroom, .sloFeedback])
        #expect(decision.desiredReplicas == 10, "40 requests, x1.3 for a young history, x1.5 by feedback, at 8 per worker")
        #expect(decision.clamps[1].detail == "1.3% of load-weighted time in the last 1h waited longer than 2s against an SLO of 1%: headroom x1.5, 78 requests")
    }

    @Test func requestsWaitingTooLongRaiseTheScaleByOneBoundedStep() {
        let slo = ServiceLevelObjective(wait: 2, overTarget: 0.01)
        var state = ServiceLevelState(rises: [LoadSpan(start: at(-7200), largestRise: 40)])
        state.ledger = [ShareSpan(start: at(-3000), load: 1000, overTarget: 50, seconds: 3000)]
        state.sinceStep = StepEvidence(load: 1000, overTarget: 50)
        let step = state.step(slo, now: at(0))
        #expect(step?.direction == .tightened)
        #expect(state.scale == ServiceLevelState.tightening)
        #expect(state.step(slo, now: at(60)) == nil, "no second step on the same evidence, nor within a quarter window")
    }

    @Test func aQuietHourIsNoEvidenceThatLessHeadroomWouldDo() {
        let slo = ServiceLevelObjective(wait: 2, overTarget: 0.01)
        var quiet = ServiceLevelState(rises: [LoadSpan(start: at(-7200), largestRise: 40)], scale: 1.2)
        quiet.ledger = [ShareSpan(start: at(-3000), load: 1000, overTarget: 0, seconds: 3000)]
        quiet.sinceStep = StepEvidence(load: 1000, overTarget: 0, largestRise: 5)
        #expect(quiet.step(slo, now: at(0)) == nil)
        var missed = quiet
        missed.sinceStep.largestRise = 50
        #expect(missed.step(slo, now: at(0)) == nil, "the lowered headroom (43.6) would not have covered the 50-request rise")
        var tested = quiet
        tested.sinceStep.largestRise = 40
        #expect(tested.step(slo, now: at(0))?.direction == .loosened, "a real rise came, waits stayed short, and the lowered headroom still covers it")
        #expect(tested.scale == 1.2 / ServiceLevelState.loosening)
    }

    @Test func aScaleThatFailedIsNotReturnedToWhileTheHistoryRemembersIt() {
        let slo = ServiceLevelObjective(wait: 2, overTarget: 0.01)
        /// A quiet window and a 50-request rise absorbed since the last step, as of `now`.
        func quiet(_ state: ServiceLevelState, now: Double) -> ServiceLevelState {
            var state = state
            state.rises = [LoadSpan(start: at(now - 7200), largestRise: 40)]
            state.ledger = [ShareSpan(start: at(now - 3000), load: 1000, overTarget: 0, seconds: 3000)]
            state.sinceStep = StepEvidence(load: 1000, overTarget: 0, largestRise: 45)
            return state
        }
        var state = quiet(ServiceLevelState(scale: 1.5, failedScale: 1.2, failedAt: at(-3600)), now: 0)
        #expect(state.step(slo, now: at(0))?.direction == .loosened, "1.36 is more than a step above the 1.2 that failed")
        state = quiet(state, now: 900)
        #expect(state.step(slo, now: at(900)) == nil, "1.24 would be within one step of it")
        state = quiet(state, now: 6 * 3600)
        #expect(state.step(slo, now: at(6 * 3600)) != nil, "once the rise history has forgotten the failure, it may")
    }

    @Test func atTheTopOfABurstTheHeadroomIsNotStackedOnIt() {
        var state = learned(rises: Array(repeating: 40, count: 9))
        state.serviceLevel?.recentLoads = [TimedLoad(at: at(-5), requests: 40)]
        let decision = decideOnce(policy(), current: 5, .metrics(delay: 0, queued: 0, inFlight: 40, ready: 5), state: state)
        #expect(decision.desiredReplicas == 6, "the highest load the history shows, 40 requests x1.15, not 46 more on top of them")
        #expect(decision.clamps.first?.detail.contains("(held to 46, the highest load in the history)") == true)
    }

    @Test func aWorkerNoLongerNeededIsKeptForOneColdStart() {
        var state = warmedState()
        state.recommendations = [TimedRecommendation(at: at(-20), replicas: 4)]
        let kept = decideOnce(policy(), current: 4, .metrics(delay: 0, queued: 0, inFlight: 8, ready: 4), state: state)
        #expect(kept.desiredReplicas == 4)
        #expect(kept.clamps.last?.kind == .release)
        #expect(kept.clamps.last?.detail == "4 needed within one assumed cold start (30s): cheaper to keep than to start again")
        state.recommendations = [TimedRecommendation(at: at(-40), replicas: 4)]
        let released = decideOnce(policy(), current: 4, .metrics(delay: 0, queued: 0, inFlight: 8, ready: 4), state: state)
        #expect(released.desiredReplicas < 4, "no scale-down window: one cold start is the release timing")
    }

    @Test func theLastWorkerGoesOnlyAfterOneColdStartOfProvenIdleness() {
        var state = learned(rises: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        state.idleSince = at(-10)
        let kept = decideOnce(policy(), current: 1, .idle, state: state)
        #expect(kept.desiredReplicas == 1)
        #expect(kept.clamps.last?.detail == "idle for 10s of one assumed cold start (30s): cheaper to keep than to start again")
        state.idleSince = at(-31)
        #expect(decideOnce(policy(), current: 1, .idle, state: state).desiredReplicas == 0)
        let unknown = decideOnce(policy(), current: 1, .metrics(delay: 0, queued: 0), state: state)
        #expect(unknown.desiredReplicas == 1, "in-flight unknown is no proof of idleness")
    }

    @Test func aColdFleetsBacklogIsNotLearnedAsARise() {
        let cold = run(policy(), startingAt: 0, [
            .metrics(delay: 0, queued: 0, inFlight: 0, ready: 0),
            .metrics(delay: 5, queued: 60, inFlight: 0, ready: 0),
            .metrics(delay: 10, queued: 120, inFlight: 0, ready: 0),
        ])
        #expect(cold.last?.nextState.serviceLevel?.rises.map(\.largestRise) == [0])
        let warm = run(policy(), startingAt: 2, [
            .metrics(delay: 0, queued: 0, inFlight: 0, ready: 2),
            .metrics(delay: 0, queued: 0, inFlight: 12, ready: 2),
        ])
        #expect(warm.last?.nextState.serviceLevel?.rises.map(\.largestRise) == [12])
    }

    @Test func aQueueOlderThanOneServiceTimeCountsOnlyOneServiceTimeOfArrivals() {
        let sample = MetricSample(takenAt: at(0), queueDelay: 20, queued: 201, inFlight: 16, readyWorkers: 2)
        #expect(QueueModel.unconstrainedLoad(sample, serviceTime: 5) == 50, "10 arrivals a second for 5 s")
        #expect(QueueModel.unconstrainedLoad(sample, serviceTime: nil) == 217)
    }

    @Test func missingMetricsKeepTheHeadroomsCount() {
        let state = learned(rises: [24, 24])
        let decision = decideOnce(policy(), current: 3, .failed, state: state)
        #expect(decision.desiredReplicas == 3)
        #expect(decision.nextState.serviceLevel == state.serviceLevel, "nothing is learned from no sample")
    }

    @Test func minAndMaxStillBoundIt() {
        let state = learned(rises: [400, 400])
        #expect(decideOnce(policy(max: 5), current: 0, .idle, state: state).desiredReplicas == 5)
        #expect(decideOnce(policy(min: 2), current: 2, .idle, state: learned(rises: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])).desiredReplicas == 2)
    }
}
