import Foundation
import ScalerCore
import Testing

@Suite struct MissingMetrics {
    @Test(arguments: [Load.failed, .stale(age: 120), .metrics(delay: nil, queued: 0, inFlight: 0), .metrics(delay: -1, queued: 0, inFlight: 0), .metrics(delay: .nan, queued: 0, inFlight: 0), .metrics(delay: 0, queued: -3, inFlight: 0)])
    func neverScaleDown(load: Load) {
        let decision = decideOnce(queuePolicy(), current: 4, load)
        #expect(decision.desiredReplicas == 4)
        #expect(decision.action == .hold)
        #expect(decision.metricStatus != .fresh)
        #expect(decision.rawRecommendation == nil)
    }

    @Test func neverScaleToZeroEvenAfterLongOutages() {
        let decisions = run(queuePolicy(idle: 10), startingAt: 1, Array(repeating: .failed, count: 100))
        #expect(decisions.allSatisfy { $0.desiredReplicas == 1 })
    }

    @Test func statusNamesWhyMetricsWereUnusable() {
        #expect(decideOnce(queuePolicy(), current: 1, .failed).metricStatus == .missing)
        #expect(decideOnce(queuePolicy(), current: 1, .stale(age: 31)).metricStatus == .stale)
        #expect(decideOnce(queuePolicy(), current: 1, .metrics(delay: .infinity, queued: 0, inFlight: 0)).metricStatus == .invalid)
        #expect(decideOnce(concurrencyPolicy(), current: 1, .metrics(delay: 3)).metricStatus == .missing)
    }

    @Test func fallbackRaisesToItsReplicasOnlyAfterTheConfiguredFailures() {
        let policy = queuePolicy(fallback: FallbackPolicy(afterFailures: 3, replicas: 2))
        let decisions = run(policy, startingAt: 0, [.failed, .failed, .failed, .failed])
        #expect(decisions.map(\.desiredReplicas) == [0, 0, 2, 2])
        #expect(decisions[2].clamps.map(\.kind) == [.fallback])
    }

    @Test func fallbackNeverLowersReplicas() {
        let policy = queuePolicy(fallback: FallbackPolicy(afterFailures: 1, replicas: 2))
        let decision = decideOnce(policy, current: 7, .failed)
        #expect(decision.desiredReplicas == 7)
    }

    @Test func fallbackWithoutReplicasHolds() {
        let policy = queuePolicy(fallback: FallbackPolicy(afterFailures: 1))
        #expect(run(policy, startingAt: 3, [.failed, .failed]).map(\.desiredReplicas) == [3, 3])
    }

    @Test func aFreshSampleResetsTheFailureCount() {
        let policy = queuePolicy(fallback: FallbackPolicy(afterFailures: 2, replicas: 3))
        let decisions = run(policy, startingAt: 1, [.failed, .metrics(delay: 1, queued: 1, inFlight: 1, ready: 1), .failed])
        #expect(decisions.map(\.nextState.consecutiveFailures) == [1, 0, 1])
        #expect(decisions.last?.desiredReplicas == 1)
    }

    @Test func aSampleFromTheFarFutureIsInvalid() {
        let decision = decideOnce(queuePolicy(), current: 2, .stale(age: -100))
        #expect(decision.metricStatus == .invalid)
        #expect(decision.desiredReplicas == 2)
    }
}

@Suite struct ScaleToZero {
    @Test func onlyAfterIdleTimeoutOfFreshIdleEvidence() {
        // 5 s ticks, idle_timeout 30 s: the first idle sample is at t=0, so zero comes at t=30.
        let decisions = run(queuePolicy(idle: 30, down: .init(stabilization: 0)), startingAt: 1, Array(repeating: .idle, count: 10))
        let firstZero = decisions.firstIndex { $0.desiredReplicas == 0 }
        #expect(firstZero == 6)
        #expect(decisions[0].clamps.map(\.kind) == [.idleTimeout])
    }

    @Test(arguments: [
        // (idle_timeout, scale-down window, index of the first zero at 5 s ticks)
        (30.0, 20.0, 7), // idle from t=5: zero at t=35, not at t=55
        (30.0, 60.0, 13), // the window still holds the last busy tick's recommendation until t=65
    ])
    func zeroComesWhenBothIdleTimeoutAndWindowHavePassedNotTheirSum(idle: Double, window: Double, firstZero: Int) {
        let loads: [Load] = [.metrics(delay: 0, queued: 0, inFlight: 1)] + Array(repeating: .idle, count: 15)
        let decisions = run(queuePolicy(idle: idle, down: .init(stabilization: window)), startingAt: 1, loads)
        #expect(decisions.firstIndex { $0.desiredReplicas == 0 } == firstZero)
    }

    @Test func aBurstStillHoldsItsWorkersForTheWholeWindow() {
        let loads: [Load] = [.metrics(delay: 0, queued: 0, inFlight: 6)] + Array(repeating: .idle, count: 14)
        let decisions = run(queuePolicy(idle: 10, down: .init(stabilization: 60)), startingAt: 6, loads)
        #expect(decisions.prefix(12).allSatisfy { $0.desiredReplicas == 6 })
        #expect(decisions[13].desiredReplicas == 0)
    }

    @Test func aMetricGapRestartsTheIdleClock() {
        let loads: [Load] = [.idle, .idle, .idle, .idle, .failed] + Array(repeating: .idle, count: 8)
        let decisions = run(queuePolicy(idle: 30, down: .init(stabilization: 0)), startingAt: 1, loads)
        // Idle evidence restarts at t=25 (index 5), so zero is allowed from t=55 (index 11).
        #expect(decisions.firstIndex { $0.desiredReplicas == 0 } == 11)
    }

    @Test func unknownInFlightNeverProvesIdle() {
        let decisions = run(queuePolicy(idle: 5, down: .init(stabilization: 0)), startingAt: 1, Array(repeating: .metrics(delay: 0, queued: 0), count: 20))
        #expect(decisions.allSatisfy { $0.desiredReplicas == 1 })
        #expect(decisions.last?.reason.contains("in-flight requests unknown") == true)
    }

    @Test func aRequestDuringTheIdleTimeoutRestartsIt() {
        let loads: [Load] = [.idle, .idle, .idle, .metrics(delay: 0, queued: 0, inFlight: 1)] + Array(repeating: .idle, count: 8)
        let decisions = run(queuePolicy(idle: 20, down: .init(stabilization: 0)), startingAt: 1, loads)
        #expect(decisions.firstIndex { $0.desiredReplicas == 0 } == 8)
    }

    @Test func minReplicasStillWins() {
        let decisions = run(queuePolicy(min: 2, idle: 5, down: .init(stabilization: 0)), startingAt: 2, Array(repeating: .idle, count: 10))
        #expect(decisions.allSatisfy { $0.desiredReplicas == 2 })
    }
}

@Suite struct Damping {
    @Test func scaleDownTakesTheHighestRecommendationInItsWindow() {
        let policy = concurrencyPolicy(perWorker: 1, down: .init(stabilization: 20))
        let loads: [Load] = [.metrics(inFlight: 8), .metrics(inFlight: 2), .metrics(inFlight: 2), .metrics(inFlight: 2), .metrics(inFlight: 2), .metrics(inFlight: 2)]
        let decisions = run(policy, startingAt: 8, loads)
        // The 8 at t=0 stays in the 20 s window until t=25.
        #expect(decisions.map(\.desiredReplicas) == [8, 8, 8, 8, 8, 2])
        #expect(decisions[1].clamps.map(\.kind) == [.stabilization])
    }

    @Test func scaleUpIsImmediateWithoutAnUpWindow() {
        let decisions = run(concurrencyPolicy(perWorker: 1), startingAt: 1, [.metrics(inFlight: 6)])
        #expect(decisions[0].desiredReplicas == 6)
        #expect(decisions[0].clamps.isEmpty)
    }

    @Test func anUpWindowIgnoresOneTickSpikes() {
        let policy = concurrencyPolicy(perWorker: 1, up: .init(stabilization: 10))
        let decisions = run(policy, startingAt: 2, [.metrics(inFlight: 2), .metrics(inFlight: 9), .metrics(inFlight: 2)])
        #expect(decisions.map(\.desiredReplicas) == [2, 2, 2])
    }

    @Test func stepLimitsBoundEachDecision() {
        let policy = concurrencyPolicy(perWorker: 1, max: 50, up: .init(stabilization: 0, maxStep: 4), down: .init(stabilization: 0, maxStep: 2))
        let up = run(policy, startingAt: 1, Array(repeating: .metrics(inFlight: 20), count: 6))
        #expect(up.map(\.desiredReplicas) == [5, 9, 13, 17, 20, 20])
        let down = run(policy, startingAt: 9, Array(repeating: .metrics(inFlight: 3), count: 4))
        #expect(down.map(\.desiredReplicas) == [7, 5, 3, 3])
        #expect(down[0].clamps.map(\.kind) == [.stepLimit])
    }

    @Test func afterARestartScaleDownWaitsForAFullWindow() {
        let policy = concurrencyPolicy(perWorker: 1, down: .init(stabilization: 30))
        let decisions = run(policy, startingAt: 6, Array(repeating: .metrics(inFlight: 1), count: 8), state: ScalerState())
        #expect(decisions.map(\.desiredReplicas) == [6, 6, 6, 6, 6, 6, 1, 1])
    }

    @Test func steadyLoadNeverFlaps() {
        let decisions = run(queuePolicy(), startingAt: 3, Array(repeating: .metrics(delay: 2, queued: 2, inFlight: 3, ready: 3), count: 200))
        #expect(Set(decisions.map(\.desiredReplicas)) == [3])
    }
}

@Suite struct Bounds {
    @Test func maxReplicasCapsTheRecommendation() {
        let decision = decideOnce(concurrencyPolicy(perWorker: 1, max: 5), current: 2, .metrics(inFlight: 40))
        #expect(decision.desiredReplicas == 5)
        #expect(decision.clamps.last?.kind == .maxReplicas)
        #expect(decision.reason.contains("max_replicas"))
    }

    @Test func aLoweredMaxAppliesEvenWithoutMetrics() {
        let decision = decideOnce(queuePolicy(max: 3), current: 8, .failed)
        #expect(decision.desiredReplicas == 3)
    }

    @Test func minReplicasLiftsAnIdleEndpoint() {
        let decision = decideOnce(queuePolicy(min: 2), current: 0, .idle)
        #expect(decision.desiredReplicas == 2)
        #expect(decision.clamps.map(\.kind) == [.minReplicas])
    }

    @Test func clampsAreRecordedInTheOrderApplied() {
        let policy = concurrencyPolicy(perWorker: 1, max: 6, up: .init(stabilization: 0, maxStep: 10))
        let decision = decideOnce(policy, current: 1, .metrics(inFlight: 30))
        #expect(decision.clamps.map(\.kind) == [.stepLimit, .maxReplicas])
        #expect(decision.clamps.map(\.before) == [30, 11])
        #expect(decision.clamps.map(\.after) == [11, 6])
        #expect(decision.rawRecommendation == 30)
    }
}
