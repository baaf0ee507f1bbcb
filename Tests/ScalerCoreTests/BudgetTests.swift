import Foundation
import ScalerCore
import Testing

@Suite struct SpendBudgets {
    private func policy(hourly: Double? = nil, daily: Double? = nil, min: Int = 0) -> ScalingPolicy {
        var policy = concurrencyPolicy(perWorker: 1, min: min, max: 20)
        policy.budget = SpendBudget(pricePerWorkerHour: 2, maxSpendPerHour: hourly, maxSpendPerDay: daily)
        return policy
    }

    private func decide(_ policy: ScalingPolicy, state: ScalerState = ScalerState(), inFlight: Int, current: Int, now: Date = at(0)) -> Decision {
        let sample = MetricSample(takenAt: now, queueDelay: 0, queued: 0, inFlight: inFlight, readyWorkers: current)
        return Autoscaler.decide(state: state, observation: Observation(metrics: .sample(sample), currentReplicas: current), policy: policy, now: now)
    }

    @Test func theHourlyLimitCapsReplicasAndTheDecisionSaysSo() {
        let decision = decide(policy(hourly: 10), inFlight: 12, current: 2)
        #expect(decision.desiredReplicas == 5)
        let clamp = decision.clamps.first { $0.kind == .budget }
        #expect(clamp?.before == 12 && clamp?.after == 5)
        #expect(clamp?.detail == "max_spend_per_hour $10.00 at $2.00/worker-hour pays for 5")
        #expect(decision.reason.contains("budget 12->5"))
    }

    @Test func aBudgetThatDoesNotBindLeavesNoTrace() {
        let decision = decide(policy(hourly: 100), inFlight: 12, current: 2)
        #expect(decision.desiredReplicas == 12)
        #expect(decision.clamps.isEmpty)
    }

    @Test func spendIsChargedForTheReplicasThatRanSinceTheLastDecision() {
        let first = decide(policy(daily: 1_000), inFlight: 3, current: 3)
        let second = decide(policy(daily: 1_000), state: first.nextState, inFlight: 3, current: 3, now: at(3_600))
        #expect(second.nextState.spend.reduce(0) { $0 + $1.dollars } == 6, "3 workers for an hour at $2")
    }

    @Test func whatIsLeftOfTheDayPaysForTheCap() {
        let state = ScalerState(lastDecisionAt: at(0), spend: [SpendBucket(hourStart: at(-7_200), dollars: 92)])
        let decision = decide(policy(daily: 100), state: state, inFlight: 12, current: 0, now: at(5))
        #expect(decision.desiredReplicas == 4, "$8 left at $2 per worker-hour")
        #expect(decision.clamps.last?.detail.contains("$8.00 left of max_spend_per_day $100.00") == true)
    }

    @Test func spendOlderThanADayIsForgotten() {
        let state = ScalerState(lastDecisionAt: at(0), spend: [SpendBucket(hourStart: at(-90_000), dollars: 500)])
        let decision = decide(policy(daily: 100), state: state, inFlight: 12, current: 0, now: at(5))
        #expect(decision.desiredReplicas == 12)
        #expect(decision.nextState.spend.isEmpty)
    }

    @Test func minReplicasStillHoldsWhenTheDayIsSpent() {
        let state = ScalerState(lastDecisionAt: at(0), spend: [SpendBucket(hourStart: at(-3_600), dollars: 150)])
        let decision = decide(policy(daily: 100, min: 1), state: state, inFlight: 12, current: 3, now: at(5))
        #expect(decision.desiredReplicas == 1)
        #expect(decision.clamps.last?.detail.hasSuffix("min_replicas=1 still holds") == true)
    }
}
