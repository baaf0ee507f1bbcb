import Foundation
import ScalerCore
import ScalerHTTP
import ScalerProviders
import ScalerTestSupport
import Testing

/// Novita v1 against a fake that refuses any update not given in full.
@Suite struct NovitaV1Contract {
    private func run(_ test: @Sendable @escaping (FakeProviderState, NovitaV1Provider) async throws -> Void) async throws {
        let state = FakeProviderState(endpoints: ["nv1": FakeNovitaV1.endpoint(id: "nv1")])
        try await withFakeServer(FakeNovitaV1.router(state)) { baseURL in
            let transport = testTransport(baseURL, headers: [("Authorization", "Bearer \(FakeNovitaV1.apiKey)")], secrets: [FakeNovitaV1.apiKey])
            try await test(state, NovitaV1Provider(transport: transport))
        }
    }

    @Test func readsNumbersThatComeBackAsStrings() async throws {
        try await run { _, provider in
            let status = try await provider.read(endpointID: "nv1")
            #expect(status.settings == ManagedSettings(minReplicas: 0, maxReplicas: 3, idleTimeout: 300, scaler: .queueDelay(60)))
            #expect(status.readyWorkers == 1)
        }
    }

    @Test func anUpdateCarriesEveryParameterAsNumbers() async throws {
        try await run { state, provider in
            try await provider.apply(ManagedSettings(minReplicas: 2, maxReplicas: 5, idleTimeout: 120, scaler: .requestCount(8)), endpointID: "nv1")
            let body = try #require(await state.writes().first?.body)
            #expect(body["workerConfig"] == ["minNum": 2, "maxNum": 5, "freeTimeout": 120, "maxConcurrent": 10, "gpuNum": 1, "requestTimeout": 3600, "cudaVersion": "12.4"])
            #expect(body["appName"] == "chat-app" && body["rootfsSize"] == 100 && body["products"] == [["id": "1"]], "fields outside the documented update are kept too")
            #expect(body["workers"] == nil && body["state"] == nil, "runtime state is not configuration")
            #expect(body["policy"] == ["type": "concurrency", "value": 8])
            #expect(body["envs"] == [["key": "MODEL", "value": "llama"]])
            #expect(body["volumeMounts"] != nil && body["clusterID"] == "cluster-1" && body["name"] == "chat")
            #expect(body["healthy"] == ["path": "/health"])
            let after = try await provider.read(endpointID: "nv1")
            #expect(after.settings == ManagedSettings(minReplicas: 2, maxReplicas: 5, idleTimeout: 120, scaler: .requestCount(8)))
        }
    }

    @Test func driftIsSeenAndCorrected() async throws {
        try await run { state, provider in
            var edited = FakeNovitaV1.endpoint(id: "nv1")
            edited["policy"] = ["type": "concurrency", "value": "3"]
            await state.setEndpoint("nv1", edited)
            let wanted = ManagedSettings(minReplicas: 0, maxReplicas: 3, idleTimeout: 300, scaler: .queueDelay(60))
            let live = try await provider.read(endpointID: "nv1").settings
            #expect(live.drift(toward: wanted) == [SettingDrift(field: "scaler", live: "request_count 3", wanted: "queue_delay 60s")])
            try await provider.apply(wanted, endpointID: "nv1")
            let after = try await provider.read(endpointID: "nv1").settings
            #expect(after.drift(toward: wanted).isEmpty)
        }
    }

    @Test func scaleToZeroSendsAnExplicitZero() async throws {
        try await run { state, provider in
            try await provider.apply(ManagedSettings(minReplicas: 0, maxReplicas: 3), endpointID: "nv1")
            #expect(await state.writes().first?.body?["workerConfig"]?["minNum"] == 0)
        }
    }

    @Test func aReadMissingAFieldIsNeverSentBackIncomplete() async throws {
        try await run { state, provider in
            var broken = FakeNovitaV1.endpoint(id: "nv1")
            broken["workerConfig"]?["gpuNum"] = nil
            await state.setEndpoint("nv1", broken)
            let error = await failure { try await provider.apply(ManagedSettings(minReplicas: 1, maxReplicas: 3), endpointID: "nv1") }
            #expect(error?.kind == .malformed)
            #expect(await state.writes().isEmpty)
        }
    }

    @Test func anUpdateMissingAFieldIsRefusedByTheProvider() async throws {
        // The fake's own check, proven: an update without envs is refused with Novita's message.
        let state = FakeProviderState(endpoints: ["nv1": FakeNovitaV1.endpoint(id: "nv1")])
        try await withFakeServer(FakeNovitaV1.router(state)) { baseURL in
            let transport = testTransport(baseURL, headers: [("Authorization", "Bearer \(FakeNovitaV1.apiKey)")], secrets: [])
            var body = FakeNovitaV1.endpoint(id: "nv1")
            body["envs"] = nil
            let error = await failure { _ = try await transport.send(ProviderRequest(.post, "/gpu-instance/openapi/v1/endpoint/update", body: body)) }
            #expect(error?.kind == .rejected)
            #expect(error?.message.contains("envs must be provided in full") == true)
        }
    }

    @Test func faultsAreRetriedThenTyped() async throws {
        try await run { state, provider in
            await state.inject(.status(503, body: #"{"code":503,"message":"overloaded"}"#))
            let status = try await provider.read(endpointID: "nv1")
            #expect(status.replicas == 0)
            await state.inject(.malformed(#"{"endpoint": "gone"}"#))
            #expect(await failure { _ = try await provider.read(endpointID: "nv1") }?.kind == .malformed)
        }
    }
}
