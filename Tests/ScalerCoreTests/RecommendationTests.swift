import Foundation
import ScalerCore
import Testing

@Suite struct ConcurrencyPolicyRecommends {
    @Test(arguments: [
        // (in flight, queued, per worker, expected raw)
        (0, 0, 2.0, 0),
        (1, 0, 2.0, 1),
        (4, 0, 2.0, 2),
        (4, 1, 2.0, 3),
        (10, 10, 4.0, 5),
        (3, 0, 1.5, 2),
    ])
    func workersForInFlightPlusQueued(inFlight: Int, queued: Int, perWorker: Double, expected: Int) {
        let decision = decideOnce(concurrencyPolicy(perWorker: perWorker, max: 100), current: expected, .metrics(queued: queued, inFlight: inFlight))
        #expect(decision.rawRecommendation == expected)
    }
}

@Suite struct QueuePolicyRecommends {
    @Test func delayOverTargetScalesInProportionToReadyWorkers() {
        let decision = decideOnce(queuePolicy(target: 4), current: 2, .metrics(delay: 10, queued: 50, inFlight: 2, ready: 2))
        #expect(decision.rawRecommendation == 5)
        #expect(decision.action == .scaleUp)
    }

    @Test func delayOverTargetNeverAsksForMoreWorkersThanWaitingRequests() {
        let decision = decideOnce(queuePolicy(target: 1), current: 2, .metrics(delay: 30, queued: 1, inFlight: 2, ready: 2))
        #expect(decision.rawRecommendation == 3)
    }

    @Test func delayOverTargetNeverShrinks() {
        let decision = decideOnce(queuePolicy(target: 4), current: 6, .metrics(delay: 5, queued: 1, inFlight: 2, ready: 2))
        #expect(decision.desiredReplicas == 6)
    }

    @Test func coldWorkersStandInForReadyOnesWhenNoneIsReady() {
        let decision = decideOnce(queuePolicy(target: 4), current: 2, .metrics(delay: 10, queued: 40, inFlight: 0, ready: 0))
        #expect(decision.rawRecommendation == 5)
    }

    @Test func delayWithinTargetKeepsTheWorkersServingTheQueue() {
        let decision = decideOnce(queuePolicy(target: 4), current: 3, .metrics(delay: 2, queued: 5, inFlight: 3, ready: 3))
        #expect(decision.rawRecommendation == 3)
        #expect(decision.action == .hold)
    }

    @Test func emptyQueueNeedsOnlyTheBusyWorkers() {
        let decision = decideOnce(queuePolicy(target: 4), current: 5, .metrics(delay: 0, queued: 0, inFlight: 2, ready: 5))
        #expect(decision.rawRecommendation == 2)
    }

    @Test func waitingRequestsWithNoWorkerScaleFromZero() {
        let decision = decideOnce(queuePolicy(target: 4), current: 0, .metrics(delay: 0.5, queued: 1, inFlight: 0, ready: 0))
        #expect(decision.desiredReplicas == 1)
        #expect(decision.action == .scaleUp)
    }

    @Test func perWorkerConcurrencyDividesBusyWorkers() {
        var policy = queuePolicy(target: 4)
        policy.maxConcurrentPerWorker = 4
        let decision = decideOnce(policy, current: 3, .metrics(delay: 0, queued: 0, inFlight: 9, ready: 3))
        #expect(decision.rawRecommendation == 3)
    }
}
