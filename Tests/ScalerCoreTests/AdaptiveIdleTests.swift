import Foundation
import ScalerCore
import Testing

@Suite struct AdaptiveIdleTimeout {
    private func policy(window: Double = 0) -> ScalingPolicy {
        var policy = concurrencyPolicy(perWorker: 1, idle: 300, down: .init(stabilization: window))
        policy.adaptiveIdle = AdaptiveIdlePolicy(minimum: 30, maximum: 900, coverage: 0.9)
        return policy
    }

    private func state(gaps: [Double], idleFor: Double) -> ScalerState {
        var state = warmedState()
        state.idleGaps = gaps
        state.idleSince = at(-idleFor)
        return state
    }

    @Test func gapsAreMeasuredFromTheFirstIdleSampleToTheReturnOfLoad() {
        let busy = Load.metrics(delay: 0, queued: 0, inFlight: 1)
        let decisions = run(policy(), startingAt: 1, [busy, .idle, .idle, .idle, .idle, busy, .idle, busy])
        #expect(decisions.last?.nextState.idleGaps == [20, 5])
    }

    @Test func theWorkerIsKeptThroughTheGapsThatUsuallyEndSoon() {
        let gaps: [Double] = [40, 42, 44, 45, 50, 48, 41, 43, 47, 400]
        let kept = decideOnce(policy(), current: 1, .idle, state: state(gaps: gaps, idleFor: 45))
        #expect(kept.desiredReplicas == 1)
        #expect(kept.clamps.first?.detail == "idle for 45s of the adaptive idle timeout 50s: 90% of the last 10 idle gaps ended within 50s")
        let released = decideOnce(policy(), current: 1, .idle, state: state(gaps: gaps, idleFor: 50))
        #expect(released.desiredReplicas == 0)
        #expect(released.reason.hasSuffix("idle for 50s, past the adaptive idle timeout 50s: 90% of the last 10 idle gaps ended within 50s"))
    }

    @Test func gapsThatUsuallyOutlastTheMaximumReleaseTheWorkerAtTheMinimum() {
        let gaps: [Double] = [2_000, 1_500, 3_000, 40, 2_500, 1_800]
        let decision = decideOnce(policy(), current: 1, .idle, state: state(gaps: gaps, idleFor: 30))
        #expect(decision.desiredReplicas == 0)
        #expect(decision.reason.contains("adaptive idle timeout 30s: fewer than 90% of the last 6 idle gaps ended within the maximum 900s"))
    }

    @Test func aShortGapNeverTakesTheTimeoutUnderTheMinimum() {
        let decision = decideOnce(policy(), current: 1, .idle, state: state(gaps: [5, 6, 5, 7, 6], idleFor: 20))
        #expect(decision.desiredReplicas == 1)
        #expect(decision.clamps.first?.detail.contains("adaptive idle timeout 30s") == true)
    }

    @Test func untilFiveGapsAreSeenTheFixedIdleTimeoutApplies() {
        let decision = decideOnce(policy(), current: 1, .idle, state: state(gaps: [40, 40, 40, 40], idleFor: 200))
        #expect(decision.desiredReplicas == 1)
        #expect(decision.clamps.first?.detail == "idle for 200s of idle_timeout 300s")
    }

    @Test func aLearnedReleaseIsNotHeldBackByTheScaleDownWindow() {
        var busyState = state(gaps: [40, 42, 44, 45, 50], idleFor: 60)
        busyState.recommendations = [TimedRecommendation(at: at(-70), replicas: 4)]
        let decision = decideOnce(policy(window: 300), current: 4, .idle, state: busyState)
        #expect(decision.desiredReplicas == 0)
        var fixed = policy(window: 300)
        fixed.adaptiveIdle = nil
        fixed.idleTimeout = 50
        #expect(decideOnce(fixed, current: 4, .idle, state: busyState).desiredReplicas == 4, "a fixed timeout waits for the window too")
    }
}
