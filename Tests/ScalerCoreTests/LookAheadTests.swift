import Foundation
import ScalerCore
import Testing

@Suite struct ColdStartMeasurement {
    private let policy = concurrencyPolicy(perWorker: 1, max: 20, down: .init(stabilization: 0))

    @Test func aColdStartRunsFromTheAskToTheSampleThatShowsTheWorkersReady() {
        let loads: [Load] = [.metrics(queued: 3, inFlight: 1, ready: 1)]
            + Array(repeating: .metrics(queued: 3, inFlight: 1, ready: 1), count: 5)
            + [.metrics(queued: 0, inFlight: 4, ready: 4)]
        let decisions = run(policy, startingAt: 1, loads)
        #expect(decisions[0].desiredReplicas == 4)
        #expect(decisions[5].nextState.coldStart.estimate == nil, "nothing is ready yet")
        #expect(decisions[5].nextState.coldStart.startingWorkers == 3)
        #expect(decisions[6].nextState.coldStart.estimate == 30)
        #expect(decisions[6].nextState.coldStart.startingWorkers == 0)
    }

    @Test func workersReleasedBeforeTheyAreReadyAreNotMeasured() {
        let loads: [Load] = [
            .metrics(queued: 3, inFlight: 1, ready: 1), // asks for 4
            .metrics(queued: 1, inFlight: 1, ready: 1), // 2 are enough: two starts cancelled
            .metrics(queued: 0, inFlight: 2, ready: 2),
        ]
        let decisions = run(policy, startingAt: 1, loads)
        #expect(decisions[1].desiredReplicas == 2)
        #expect(decisions[1].nextState.coldStart.startingWorkers == 1)
        #expect(decisions[2].nextState.coldStart.measured == [10])
    }
}

@Suite struct LookAhead {
    private func policy(type: PolicyType = .queue, coldStart: Double = 30) -> ScalingPolicy {
        var policy = type == .queue ? queuePolicy(target: 2, max: 40) : concurrencyPolicy(perWorker: 1, max: 40)
        policy.maxConcurrentPerWorker = type == .queue ? 8 : 1
        policy.lookAhead = LookAheadPolicy(window: 60, assumedColdStart: coldStart)
        return policy
    }

    @Test func theServiceTimeIsLearnedFromTwoSamplesOfABusyQueue() throws {
        // 5 s apart, 2 ready workers busy with 4 requests: the queue holds the oldest request and
        // the 9 that came in the 2 s since it (4.5/s), and shrank by 10 (2/s): 6.5 requests/s
        // finished, so 4/6.5 s each.
        let decisions = run(policy(), startingAt: 2, [
            .metrics(delay: 4, queued: 20, inFlight: 4, ready: 2),
            .metrics(delay: 2, queued: 10, inFlight: 4, ready: 2),
        ])
        #expect(decisions[0].nextState.serviceTime == nil)
        let learned = try #require(decisions[1].nextState.serviceTime)
        #expect(abs(learned - 4 / 6.5) < 1e-9)
    }

    @Test func aScaleUpIsSizedForTheArrivalsAndTheBacklogOneColdStartAhead() {
        // The 49 queued behind the oldest came in 4 s: 12.25/s. One worker finishes 8 per 4 s,
        // 2/s: 7 workers keep up with the arrivals. In the 30 s cold start the one ready worker
        // serves 60 of the 50 + 367.5 that will have come: 6 more drain the rest in the next 30 s.
        var state = warmedState()
        state.serviceTimes = [4]
        let decision = decideOnce(policy(), current: 1, .metrics(delay: 4, queued: 50, inFlight: 8, ready: 1), state: state)
        #expect(decision.rawRecommendation == 2)
        #expect(decision.desiredReplicas == 13)
        #expect(decision.clamps.last?.kind == .lookAhead)
        #expect(decision.clamps.last?.detail == "arrivals 12.30/s, service time 4s: one cold start (30s, assumed) ahead 7 worker(s) for the arrivals + 6 to drain the 358 requests still queued then")
    }

    @Test func headroomBelowFullUtilizationPlansMoreWorkersForTheArrivals() {
        var state = warmedState()
        state.serviceTimes = [4]
        var headroom = policy()
        headroom.lookAhead?.utilization = 0.5
        let decision = decideOnce(headroom, current: 1, .metrics(delay: 4, queued: 50, inFlight: 8, ready: 1), state: state)
        #expect(decision.desiredReplicas == 13 + 6, "12.25/s at half of 2/s a worker")
    }

    @Test func aBacklogTheReadyWorkersDrainWithinAColdStartAddsNoWorker() {
        // The queue delay asks for 23, but 10 workers finishing 20/s clear the 100 queued and
        // the 10/s arriving long before a new worker could start.
        var state = warmedState()
        state.serviceTimes = [4]
        let decision = decideOnce(policy(), current: 10, .metrics(delay: 10, queued: 100, inFlight: 80, ready: 10), state: state)
        #expect(decision.rawRecommendation == 23)
        #expect(decision.desiredReplicas == 10)
        #expect(decision.clamps.map(\.kind) == [.lookAhead])
    }

    @Test func itNeverScalesDown() {
        var state = warmedState()
        state.serviceTimes = [4]
        let decisions = run(policy(), startingAt: 12, [.metrics(delay: 30, queued: 30, inFlight: 8, ready: 1)], state: state)
        #expect(decisions[0].desiredReplicas >= 12)
        #expect(!decisions[0].clamps.contains { $0.kind == .lookAhead && $0.after < 12 })
    }

    @Test func untilAServiceTimeIsKnownASteadyRampIsFollowedOneColdStartAhead() {
        // Rising by one request per worker every 5 s: 0.2 replicas/s, 6 more in 30 s. The source
        // reports no worker counts, so no cold start is measured and the assumed one is used.
        let ramp: [Load] = (1...12).map { .metrics(delay: 0, queued: 0, inFlight: $0) }
        let decision = run(policy(type: .concurrency), startingAt: 1, ramp).last!
        #expect(decision.rawRecommendation == 12)
        #expect(decision.desiredReplicas == 18)
        #expect(decision.clamps.last?.detail == "recommendations rising 12 replicas/min over 60s: one cold start (30s, assumed) ahead it needs 18")
    }

    @Test func aStepIsNotARamp() {
        let step: [Load] = Array(repeating: .metrics(delay: 0, queued: 0, inFlight: 1, ready: 1), count: 6)
            + Array(repeating: .metrics(delay: 0, queued: 0, inFlight: 12, ready: 12), count: 6)
        let decision = run(policy(type: .concurrency), startingAt: 1, step).last!
        #expect(decision.desiredReplicas == 12)
        #expect(!decision.clamps.contains { $0.kind == .lookAhead })
    }
}
