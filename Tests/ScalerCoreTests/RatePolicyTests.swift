import Foundation
import ScalerCore
import Testing

@Suite struct ToleranceAndRateLimits {
    private func decide(_ policy: ScalingPolicy, state: ScalerState = ScalerState(), load: Int, current: Int, now: Date = at(0)) -> Decision {
        let sample = MetricSample(takenAt: now, queueDelay: 0, queued: 0, inFlight: load, readyWorkers: current)
        return Autoscaler.decide(state: state, observation: Observation(metrics: .sample(sample), currentReplicas: current), policy: policy, now: now)
    }

    @Test func aRecommendationWithinTheToleranceIsNotActedOn() {
        var policy = concurrencyPolicy(perWorker: 1, max: 50, down: .init(stabilization: 0))
        policy.tolerance = 0.1
        let up = decide(policy, load: 21, current: 20)
        #expect(up.desiredReplicas == 20)
        #expect(up.clamps.first?.kind == .tolerance)
        #expect(up.clamps.first?.detail == "21 is within tolerance 10% of 20")
        #expect(decide(policy, load: 23, current: 20).desiredReplicas == 23, "15% is outside the band")
        #expect(decide(policy, load: 18, current: 20).desiredReplicas == 20, "10% down is inside the band too")
    }

    @Test func toleranceNeverKeepsWorkersTheLoadDoesNotNeedAtAll() {
        var policy = concurrencyPolicy(perWorker: 1, max: 50, idle: 0.001, down: .init(stabilization: 0))
        policy.tolerance = 0.5
        var state = decide(policy, load: 0, current: 1).nextState
        state.observingSince = at(-100)
        let decision = decide(policy, state: state, load: 0, current: 1, now: at(10))
        #expect(!decision.clamps.contains { $0.kind == .tolerance })
    }

    @Test func scaleUpIsLimitedToAPercentOfTheCountAtThePeriodStart() {
        let policy = concurrencyPolicy(perWorker: 1, max: 100, up: .init(stabilization: 0, maxPercent: 100, period: 60))
        let first = decide(policy, load: 40, current: 4)
        #expect(first.desiredReplicas == 8, "doubling from 4")
        #expect(first.clamps.first { $0.kind == .rateLimit }?.detail == "scale_up.max_percent=100 per 60s from 4")
        // 30 s later the period still starts at 4: no further growth until it has passed.
        let second = decide(policy, state: first.nextState, load: 40, current: 8, now: at(30))
        #expect(second.desiredReplicas == 8)
        let third = decide(policy, state: second.nextState, load: 40, current: 8, now: at(61))
        #expect(third.desiredReplicas == 16)
    }

    @Test func fromZeroAPercentStillAllowsOneWorker() {
        let policy = concurrencyPolicy(perWorker: 1, max: 100, up: .init(stabilization: 0, maxPercent: 50))
        #expect(decide(policy, load: 10, current: 0).desiredReplicas == 1)
    }

    @Test func scaleDownIsLimitedToAPercentOfThePeriodsHighest() {
        var state = ScalerState(observingSince: at(-1_000))
        let policy = concurrencyPolicy(perWorker: 1, max: 100, down: .init(stabilization: 0, maxPercent: 25, period: 60))
        state.replicaHistory = [TimedRecommendation(at: at(-10), replicas: 20)]
        let decision = decide(policy, state: state, load: 2, current: 20)
        #expect(decision.desiredReplicas == 15)
        #expect(decision.clamps.last?.kind == .rateLimit)
    }
}
