import Foundation
import ScalerCore
import ScalerPorts
import ScalerHTTP
import ScalerMetrics
import ScalerTestSupport
import Testing

@Suite struct RunPodHealthMetrics {
    private func source(_ baseURL: String, clock: @escaping @Sendable () -> Date) -> RunPodHealthSource {
        let transport = ProviderTransport(
            client: sharedTestClient, baseURL: baseURL,
            headers: [("Authorization", "Bearer \(FakeRunPodREST.apiKey)")], secrets: [FakeRunPodREST.apiKey]
        )
        return RunPodHealthSource(transport: transport, clock: clock)
    }

    private static func health(inQueue: Int, inProgress: Int = 2) -> JSON {
        ["jobs": ["completed": 100, "failed": 0, "inProgress": JSON(inProgress), "inQueue": JSON(inQueue), "retried": 0],
         "workers": ["idle": 1, "running": 2, "initializing": 1]]
    }

    @Test func queueDelayIsEstimatedFromThroughputAndMarkedSo() async throws {
        let state = FakeProviderState(endpoints: [:])
        await state.setHealth("ep1", Self.health(inQueue: 8))
        try await withFakeServer(FakeRunPodREST.router(state)) { baseURL in
            let times = TestClock(start: Date(timeIntervalSince1970: 1000))
            let source = source(baseURL) { times.now }
            let first = try await source.sample(endpointID: "ep1")
            #expect(first.queued == 8)
            #expect(first.inFlight == 2)
            #expect(first.readyWorkers == 3)
            #expect(first.queueDelay == nil, "no throughput yet: unknown, not zero")
            times.advance(2)
            // 4 jobs finished in 2 s: 2 jobs/s, so 8 waiting wait about 4 s.
            let second = try await source.sample(endpointID: "ep1")
            #expect(second.queueDelay == 4)
            #expect(second.queueDelayEstimated)
        }
    }

    @Test func aReplayedSequenceGivesTheDelaysItImplies() async throws {
        let state = FakeProviderState(endpoints: [:])
        try await withFakeServer(FakeRunPodREST.router(state)) { baseURL in
            let times = TestClock(start: Date(timeIntervalSince1970: 1000))
            let source = source(baseURL) { times.now }
            // (seconds since the last sample, jobs completed as the fake answers it, waiting, expected delay)
            let steps: [(Double, Int, Int, Double?)] = [
                (0, 4, 8, nil), // no throughput yet
                (2, 10, 9, 3), // 6 done in 2 s: 3/s, so 9 waiting wait 3 s
                (1, 14, 0, 0), // an empty queue has no delay
                (1, 14, 5, 0), // a queue appears and nothing finishes: it has waited since now
                (3, 14, 5, 3), // still nothing finished: it has waited 3 s
                (2, 9, 5, nil), // the counter went back (a restart): throughput unknown again
            ]
            for (index, step) in steps.enumerated() {
                times.advance(step.0)
                // The fake adds 4 completed jobs per call.
                await state.setHealth("ep1", ["jobs": ["completed": JSON(step.1 - 4), "inProgress": 1, "inQueue": JSON(step.2)],
                                              "workers": ["idle": 0, "running": 1]])
                let sample = try await source.sample(endpointID: "ep1")
                #expect(sample.queueDelay == step.3, "step \(index)")
            }
        }
    }

    @Test func anEmptyQueueHasNoDelay() async throws {
        let state = FakeProviderState(endpoints: [:])
        await state.setHealth("ep1", Self.health(inQueue: 0))
        try await withFakeServer(FakeRunPodREST.router(state)) { baseURL in
            let sample = try await source(baseURL) { Date() }.sample(endpointID: "ep1")
            #expect(sample.queueDelay == 0)
        }
    }

    @Test func aMalformedHealthAnswerIsAMetricFailure() async throws {
        let state = FakeProviderState(endpoints: [:])
        await state.setHealth("ep1", ["jobs": ["inQueue": "lots"]])
        try await withFakeServer(FakeRunPodREST.router(state)) { baseURL in
            await #expect(throws: MetricError.self) { try await source(baseURL) { Date() }.sample(endpointID: "ep1") }
        }
    }
}
