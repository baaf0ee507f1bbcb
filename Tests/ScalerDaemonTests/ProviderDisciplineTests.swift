import Foundation
import Hummingbird
import ScalerHTTP
import ScalerJournal
import ScalerPorts
import ScalerTestSupport
import Testing

/// What scalerd costs a provider, and how it behaves when the provider says to wait: checked
/// from the fake's request log and the journal, on a test clock.
@Suite struct ProviderDiscipline {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aProviderThatSaidWaitIsNotCalledUntilItsRetryAfterPassesAndTheJournalSaysWhy() async throws {
        let state = FakeProviderState(endpoints: ["ep1": FakeRunPodREST.endpoint(id: "ep1", min: 1, max: 4, idle: 60)])
        await state.setHealth("ep1", ["jobs": ["completed": 0, "failed": 0, "inProgress": 1, "inQueue": 0, "retried": 0], "workers": ["idle": 0, "running": 1]])
        try await withFakeServer(FakeRunPodREST.router(state)) { baseURL in
            let clock = TestClock(start: Self.start)
            var harness = try await ControllerHarness(yaml: """
                tick: 5s
                providers:
                  - { name: rp, kind: runpod, base_url: "\(baseURL)", health_base_url: "\(baseURL)", api_key: env:KEY, rate_limit: 50 }
                endpoints:
                  - { name: chat, provider: rp, id: ep1, policy: { type: queue, value: 4, min_replicas: 1, max_replicas: 4, idle_timeout: 60s } }
                """, environment: ["KEY": FakeRunPodREST.apiKey], clock: clock)
            defer { harness.remove() }
            await state.inject(.status(429, body: #"{"title":"Too Many Requests","status":429,"detail":"rate limit exceeded for the minute window"}"#, retryAfter: "30"))
            await harness.tick()
            let afterFirst = await state.requests.count
            for _ in 0..<5 {
                clock.advance(5)
                await harness.tick()
            }
            #expect(await state.requests.count == afterFirst, "no request in the 30 s the provider asked for")
            let waiting = try harness.rows().filter { $0.errorKind == .rateLimited }
            #expect(!waiting.isEmpty)
            #expect(waiting.allSatisfy { $0.outcome == .skipped && !$0.pushed })
            #expect(waiting.last?.errorMessage?.contains("waiting until 2027-01-15T08:00:30Z") == true)
            #expect(try harness.rows().allSatisfy { $0.desired >= 1 }, "a provider that said wait never lowers the count")
            clock.advance(5)
            await harness.tick()
            #expect(await state.requests.count > afterFirst, "called again once the wait is over")
        }
    }

    /// One steady endpoint per provider kind, its live settings already what scalerd wants.
    struct Steady: Sendable, CustomTestStringConvertible {
        let kind: String
        let providerYAML: String
        let key: String
        let endpoints: [String: JSON]
        let router: @Sendable (FakeProviderState) -> Router<BasicRequestContext>

        var testDescription: String { kind }
    }

    static let steady: [Steady] = [
        Steady(kind: "runpod rest", providerYAML: "kind: runpod, api: rest", key: FakeRunPodREST.apiKey,
               endpoints: ["ep1": FakeRunPodREST.endpoint(id: "ep1", min: 2, max: 4, idle: 60).replacing("scaling", with: ["type": "QUEUE_DELAY", "queueDelay": 2])],
               router: { FakeRunPodREST.router($0) }),
        Steady(kind: "runpod graphql", providerYAML: "kind: runpod, api: graphql", key: FakeRunPodGraphQL.apiKey,
               endpoints: ["ep1": FakeRunPodGraphQL.endpoint(id: "ep1").merging(["workersMin": 2, "workersMax": 4, "idleTimeout": 60, "scalerType": "QUEUE_DELAY", "scalerValue": 2])],
               router: { FakeRunPodGraphQL.router($0) }),
        Steady(kind: "ppio", providerYAML: "kind: ppio", key: FakeEndpointsV2.apiKey,
               endpoints: ["ep1": FakeEndpointsV2.endpoint(id: "ep1", min: 2, max: 4).merging(["policy": ["type": "queue", "value": 2]]).replacing(["worker_config", "idle_timeout"], with: 60)],
               router: { FakeEndpointsV2.router($0) }),
        Steady(kind: "novita v1", providerYAML: "kind: novita, api: v1", key: FakeNovitaV1.apiKey,
               endpoints: ["ep1": FakeNovitaV1.endpoint(id: "ep1", min: 2, max: 4).merging(["policy": ["type": "queue", "value": "2"]]).replacing(["workerConfig", "freeTimeout"], with: "60")],
               router: { FakeNovitaV1.router($0) }),
    ]

    @Test(arguments: steady)
    func aSteadyEndpointCostsOneReadATickAndNoWrites(_ steady: Steady) async throws {
        let state = FakeProviderState(endpoints: steady.endpoints)
        let metrics = FakeProviderState(endpoints: [:])
        await metrics.setHealth("ep1", ["queue": ["delay": 0, "waiting": 0, "running": 2]])
        try await withFakeServer(steady.router(state)) { baseURL in
            try await withFakeServer(FakeMetrics.router(metrics)) { metricsURL in
                var harness = try await ControllerHarness(yaml: """
                    tick: 5s
                    providers:
                      - { name: p, \(steady.providerYAML), base_url: "\(baseURL)", api_key: env:KEY, rate_limit: 50 }
                    endpoints:
                      - name: steady
                        provider: p
                        id: ep1
                        metrics: { source: http, url: "\(metricsURL)/metrics/ep1", queue_delay: /queue/delay, queued: /queue/waiting, in_flight: /queue/running }
                        policy: { type: queue, value: 2, min_replicas: 2, max_replicas: 4, idle_timeout: 60s }
                    """, environment: ["KEY": steady.key], clock: TestClock(start: Self.start))
                defer { harness.remove() }
                for _ in 0..<5 {
                    harness.clock.advance(5)
                    await harness.tick()
                }
                let requests = await state.requests.map { "\($0.method) \($0.path)" }
                #expect(requests.count == 5, "\(requests)")
                // GraphQL reads are POSTs too: a write is anything else that is not a query.
                let writes = await state.writes().filter { $0.body?["query"]?.string?.hasPrefix("query") != true }
                #expect(writes.isEmpty)
                #expect(try harness.rows().allSatisfy { $0.outcome == .unchanged && $0.drift.isEmpty })
            }
        }
    }

    @Test func aSteadyPoolCostsOneListingATickAndNoOperations() async throws {
        let clock = TestClock(start: Self.start)
        let cloud = FakeGPUGeekCloud(operationSeconds: 2, now: { clock.now })
        for name in ["scalerd-ep1-a", "scalerd-ep1-b"] { await cloud.seed(name: name, status: "running") }
        let state = FakeProviderState(endpoints: [:])
        let metrics = FakeProviderState(endpoints: [:])
        await metrics.setHealth("ep1", ["queue": ["delay": 0, "waiting": 0, "running": 2]])
        try await withFakeServer(FakeGPUGeek.router(cloud, state)) { baseURL in
            try await withFakeServer(FakeMetrics.router(metrics)) { metricsURL in
                let yaml = Self.poolYAML(baseURL, metricsURL, policy: "{ type: queue, value: 2, min_replicas: 2, max_replicas: 4 }")
                var harness = try await ControllerHarness(yaml: yaml, environment: ["KEY": FakeGPUGeekCloud.token], clock: clock)
                defer { harness.remove() }
                for _ in 0..<5 {
                    clock.advance(5)
                    await harness.tick()
                }
                #expect(await state.requests.count == 5)
                #expect(await cloud.created.isEmpty)
                #expect(await cloud.actions.isEmpty)
            }
        }
    }

    /// One GPUGeek pool endpoint whose metrics come from an HTTP JSON service.
    static func poolYAML(_ baseURL: String, _ metricsURL: String, policy: String) -> String {
        """
        tick: 5s
        providers:
          - { name: gg, kind: gpugeek, base_url: "\(baseURL)", api_key: env:KEY, rate_limit: 50 }
        endpoints:
          - name: pool
            provider: gg
            id: ep1
            instance: { gpu_name: G40-24G, gpu_num: 1, image_id: img, sku_name: payg }
            metrics: { source: http, url: "\(metricsURL)/metrics/ep1", queue_delay: /queue/delay, queued: /queue/waiting, in_flight: /queue/running }
            policy: \(policy)
        """
    }

    @Test func theProvidersReadyCountFillsInWhatTheMetricSourceDoesNotSay() async throws {
        let state = FakeProviderState(endpoints: ["ep1": FakeEndpointsV2.endpoint(id: "ep1")])
        let metrics = FakeProviderState(endpoints: [:])
        await metrics.setHealth("ep1", ["queue": ["waiting": 0, "running": 1]])
        try await withFakeServer(FakeEndpointsV2.router(state)) { baseURL in
            try await withFakeServer(FakeMetrics.router(metrics)) { metricsURL in
                var harness = try await ControllerHarness(yaml: """
                    providers:
                      - { name: p, kind: ppio, base_url: "\(baseURL)", api_key: env:KEY }
                    endpoints:
                      - name: e
                        provider: p
                        id: ep1
                        metrics: { source: http, url: "\(metricsURL)/metrics/ep1", queued: /queue/waiting, in_flight: /queue/running }
                        policy: { type: concurrency, value: 4, min_replicas: 1, max_replicas: 2 }
                    """, environment: ["KEY": FakeEndpointsV2.apiKey], clock: TestClock(start: Self.start))
                defer { harness.remove() }
                await harness.tick()
                #expect(try harness.rows().first?.readyWorkers == 1, "one of the endpoint's two workers is ready")
            }
        }
    }
}

/// What an instance pool asked for survives a restart through the journal.
@Suite struct JournalledPools {
    @Test func aRestartedControllerCountsACreateWhoseAnswerWasLostAndCreatesNoSecond() async throws {
        let clock = TestClock(start: ProviderDiscipline.start)
        let cloud = FakeGPUGeekCloud(operationSeconds: 2, now: { clock.now })
        let state = FakeProviderState(endpoints: [:])
        let metrics = FakeProviderState(endpoints: [:])
        await metrics.setHealth("ep1", ["queue": ["waiting": 1, "running": 0]])
        try await withFakeServer(FakeGPUGeek.router(cloud, state)) { baseURL in
            try await withFakeServer(FakeMetrics.router(metrics)) { metricsURL in
                let yaml = ProviderDiscipline.poolYAML(baseURL, metricsURL, policy: "{ type: concurrency, value: 1, min_replicas: 0, max_replicas: 2 }")
                let environment = ["KEY": FakeGPUGeekCloud.token]
                var first = try await ControllerHarness(yaml: yaml, environment: environment, clock: clock, journalledPools: true)
                defer { first.remove() }
                // The read's and the apply's listings pass; the create is lost before GPUGeek acts on it.
                await state.inject(.pass, .pass, .status(502, body: "bad gateway"))
                await first.tick()
                #expect(try first.rows().last?.errorKind == .unavailable)
                #expect(await cloud.created.isEmpty)

                clock.advance(5)
                var restarted = try await ControllerHarness(yaml: yaml, environment: environment, clock: clock, directory: first.directory, journalledPools: true)
                await restarted.tick()
                #expect(await cloud.created.isEmpty, "the lost create is still counted after the restart")
                #expect(try restarted.rows().last?.currentReplicas == 1)
                let events = try restarted.journal.poolEvents(since: ProviderDiscipline.start)
                #expect(events.map(\.event) == [.createSent])
                #expect(events.first?.instanceName?.hasPrefix("scalerd-ep1-") == true && events.first?.ambiguous == true)
            }
        }
    }
}
