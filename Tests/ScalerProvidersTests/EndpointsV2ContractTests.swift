import Foundation
import ScalerCore
import ScalerPorts
import ScalerHTTP
import ScalerProviders
import ScalerTestSupport
import Testing

/// PPIO v2 (and Novita v2, the same API on another host) against a strict fake.
@Suite struct EndpointsV2Contract {
    private func provider(_ baseURL: String) -> EndpointsV2Provider {
        EndpointsV2Provider(transport: testTransport(baseURL, headers: [("Authorization", "Bearer \(FakeEndpointsV2.apiKey)")], secrets: [FakeEndpointsV2.apiKey]))
    }

    private func run(
        _ endpoints: [String: JSON] = ["ep-1": FakeEndpointsV2.endpoint(id: "ep-1")],
        _ test: @Sendable @escaping (FakeProviderState, EndpointsV2Provider) async throws -> Void
    ) async throws {
        let state = FakeProviderState(endpoints: endpoints)
        try await withFakeServer(FakeEndpointsV2.router(state)) { baseURL in
            try await test(state, provider(baseURL))
        }
    }

    static let managed = [["worker_config", "min_replicas"], ["worker_config", "max_replicas"], ["worker_config", "idle_timeout"], ["policy"]]

    @Test func readsWorkerConfigPolicyAndReadyWorkers() async throws {
        try await run { _, provider in
            let status = try await provider.read(endpointID: "ep-1")
            #expect(status.settings == ManagedSettings(minReplicas: 1, maxReplicas: 2, idleTimeout: 45, scaler: .requestCount(7)))
            #expect(status.readyWorkers == 1, "a pending, unhealthy worker is not ready")
        }
    }

    @Test func fiftyScaleCyclesKeepEveryFieldOfTheEndpointAndItsWorkerConfig() async throws {
        try await run { state, provider in
            try await ProviderContract.cyclesKeepEveryUnmanagedField(
                provider, state: state, id: "ep-1", limits: ProviderContract.limits(.ppio), scaler: .queueDelay(2.5)
            ) { $0.removing(Self.managed) }
            let stored = try #require(await state.endpoint("ep-1"))
            #expect(stored["worker_config"]?["rootfs_size_gb"] == 50 && stored["worker_config"]?["min_cuda_version"] == "12.8")
            #expect(stored["health_check"] == ["path": "/ready", "port": 9090] && stored["ports"] == [8080, 9090])
        }
    }

    @Test func scaleUpSendsTheCompleteWorkerConfigAndEchoesEveryUpdatableField() async throws {
        try await run { state, provider in
            try await provider.apply(ManagedSettings(minReplicas: 3, maxReplicas: 6, idleTimeout: 120, scaler: .queueDelay(4)), endpointID: "ep-1")
            let write = try #require(await state.writes().first)
            #expect(write.method == "PUT")
            #expect(write.path == "/gpus/v2/endpoints/ep-1")
            let body = try #require(write.body?.object)
            #expect(Set(body.keys) == FakeEndpointsV2.updatable)
            #expect(body["worker_config"] == [
                "min_replicas": 3, "max_replicas": 6, "idle_timeout": 120, "max_concurrent_per_worker": 4,
                "gpu_num": 2, "rootfs_size_gb": 50, "min_cuda_version": "12.8", "request_timeout": 900,
            ])
            #expect(body["policy"] == ["type": "queue", "value": 4])
            #expect(try await provider.read(endpointID: "ep-1").replicas == 3)
        }
    }

    @Test func scaleDownToZeroSendsAnExplicitZero() async throws {
        try await run(["ep-1": FakeEndpointsV2.endpoint(id: "ep-1", min: 2, max: 4)]) { state, provider in
            try await provider.apply(ManagedSettings(minReplicas: 0, maxReplicas: 4), endpointID: "ep-1")
            #expect(await state.writes().first?.body?["worker_config"]?["min_replicas"] == 0)
            #expect(try await provider.read(endpointID: "ep-1").replicas == 0)
        }
    }

    @Test func aConcurrencyPolicyIsSentAsAWholeNumberInRange() async throws {
        try await run { state, provider in
            let wanted = ProviderContract.limits(.ppio).normalized(ManagedSettings(minReplicas: 1, maxReplicas: 5000, idleTimeout: 3600, scaler: .requestCount(0)))
            #expect(wanted == ManagedSettings(minReplicas: 1, maxReplicas: 1000, idleTimeout: 1000, scaler: .requestCount(1)))
            try await provider.apply(wanted, endpointID: "ep-1")
            #expect(await state.writes().first?.body?["policy"] == ["type": "concurrency", "value": 1])
        }
    }

    @Test func driftIsCorrected() async throws {
        try await run { _, provider in
            let wanted = ManagedSettings(minReplicas: 1, maxReplicas: 4, idleTimeout: 45, scaler: .requestCount(7))
            let live = try await provider.read(endpointID: "ep-1").settings
            #expect(live.drift(toward: wanted) == [SettingDrift(field: "max_replicas", live: "2", wanted: "4")])
            try await provider.apply(wanted, endpointID: "ep-1")
            #expect(try await provider.read(endpointID: "ep-1").settings.drift(toward: wanted).isEmpty)
        }
    }

    @Test func anUpdateAnsweredOKWithAnErrorBodyIsARefusal() async throws {
        try await run { state, provider in
            await state.inject(.pass, .malformed(#"{"code":400,"reason":"INVALID_ARGUMENT","message":"worker_config.max_replicas is required"}"#))
            let error = await failure { try await provider.apply(ManagedSettings(minReplicas: 2, maxReplicas: 3), endpointID: "ep-1") }
            #expect(error?.kind == .rejected)
            #expect(error?.message.contains("INVALID_ARGUMENT") == true)
        }
    }

    @Test func anEndpointNamedWithSpacesAndPunctuationIsFoundByName() async throws {
        let endpoints = ["ep-7": FakeEndpointsV2.endpoint(id: "ep-7", name: "chat model (prod)")]
        try await run(endpoints) { state, provider in
            let status = try await provider.read(endpointID: "chat model (prod)")
            #expect(status.replicas == 1)
            try await provider.apply(ManagedSettings(minReplicas: 2, maxReplicas: 2), endpointID: "chat model (prod)")
            #expect(await state.writes().first?.path == "/gpus/v2/endpoints/ep-7")
        }
    }

    @Test func anEndpointIsFoundByNameThroughEveryPage() async throws {
        // The keyword matches every name here; the exact one is on the last page.
        let endpoints = Dictionary(uniqueKeysWithValues: (1...5).map { ("ep-\($0)", FakeEndpointsV2.endpoint(id: "ep-\($0)", name: $0 == 5 ? "llm" : "llm-\($0)")) })
        try await run(endpoints) { state, provider in
            let status = try await provider.read(endpointID: "llm")
            #expect(status.replicas == 1)
            let listCalls = await state.requests.filter { $0.path == "/gpus/v2/endpoints" }
            #expect(listCalls.count == 3, "pages of two: cursors 0, 2, 4")
            #expect(listCalls.last?.query?.contains("cursor=4") == true)
            try await provider.apply(ManagedSettings(minReplicas: 1, maxReplicas: 2), endpointID: "llm")
            #expect(await state.writes().first?.path == "/gpus/v2/endpoints/ep-5")
        }
    }

    @Test func faultsAreRetriedOrTyped() async throws {
        try await run { state, provider in
            await state.inject(.status(429, body: #"{"message":"slow down"}"#, retryAfter: "0"), .status(500, body: "{}"))
            let recovered = try await provider.read(endpointID: "ep-1")
            #expect(recovered.replicas == 1)
            await state.inject(.malformed("{\"worker_config\": 7}"))
            #expect(await failure { _ = try await provider.read(endpointID: "ep-1") }?.kind == .malformed)
            let refused = await failure { try await provider.apply(ManagedSettings(minReplicas: 1, maxReplicas: 2, idleTimeout: 0), endpointID: "ep-1") }
            #expect(refused?.kind == .rejected)
            #expect(refused?.message.contains("idle_timeout") == true)
        }
    }
}
