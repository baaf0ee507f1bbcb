import Foundation
import ScalerCore
import ScalerHTTP
import ScalerPorts
import ScalerProviders
import ScalerTestSupport
import Testing

/// Novita v1 against a fake whose update replaces the endpoint: a parameter left out is emptied.
@Suite struct NovitaV1Contract {
    private func run(_ test: @Sendable @escaping (FakeProviderState, NovitaV1Provider) async throws -> Void) async throws {
        let state = FakeProviderState(endpoints: ["nv1": FakeNovitaV1.endpoint(id: "nv1")])
        try await withFakeServer(FakeNovitaV1.router(state)) { baseURL in
            let transport = testTransport(baseURL, headers: [("Authorization", "Bearer \(FakeNovitaV1.apiKey)")], secrets: [FakeNovitaV1.apiKey])
            try await test(state, NovitaV1Provider(transport: transport))
        }
    }

    static let managed = [["workerConfig", "minNum"], ["workerConfig", "maxNum"], ["workerConfig", "freeTimeout"], ["policy"]]

    @Test func readsNumbersThatComeBackAsStrings() async throws {
        try await run { _, provider in
            let status = try await provider.read(endpointID: "nv1")
            #expect(status.settings == ManagedSettings(minReplicas: 1, maxReplicas: 3, idleTimeout: 45, scaler: .requestCount(7)))
            #expect(status.readyWorkers == 1, "an unhealthy worker is not ready")
        }
    }

    @Test func fiftyScaleCyclesKeepEveryParameterScalerdDoesNotManage() async throws {
        try await run { state, provider in
            try await ProviderContract.cyclesKeepEveryUnmanagedField(
                provider, state: state, id: "nv1", limits: ProviderContract.limits(.novita, api: "v1"), scaler: .queueDelay(2.5)
            ) { $0.removing(Self.managed) }
            let stored = try #require(await state.endpoint("nv1"))
            #expect(stored["envs"] == FakeNovitaV1.endpoint(id: "nv1")["envs"])
            #expect(stored["workerConfig"]?["maxConcurrent"] == "4" && stored["workerConfig"]?["requestTimeout"] == 900)
        }
    }

    @Test func anUpdateCarriesTheDocumentedParametersAsNumbers() async throws {
        try await run { state, provider in
            try await provider.apply(ManagedSettings(minReplicas: 2, maxReplicas: 5, idleTimeout: 120, scaler: .requestCount(8)), endpointID: "nv1")
            let body = try #require(await state.writes().first?.body)
            #expect(body["workerConfig"] == ["minNum": 2, "maxNum": 5, "freeTimeout": 120, "maxConcurrent": 4, "gpuNum": 2, "requestTimeout": 900, "cudaVersion": "12.4"])
            #expect(Set(body.object?.keys ?? [:].keys) == FakeNovitaV1.updateParameters, "the documented parameters, and nothing a read adds")
            #expect(body["policy"] == ["type": "concurrency", "value": 8])
            #expect(body["healthy"] == ["path": "/ready"])
            #expect(body["volumeMounts"]?.array?.first?["size"] == 50)
        }
    }

    @Test func aFractionalTargetIsSentWholeAndIsNotDriftOnTheNextRead() async throws {
        try await run { state, provider in
            let wanted = ProviderContract.limits(.novita, api: "v1").normalized(ManagedSettings(minReplicas: 1, maxReplicas: 3, idleTimeout: 45, scaler: .queueDelay(2.5)))
            #expect(wanted.scaler == .queueDelay(3))
            try await provider.apply(wanted, endpointID: "nv1")
            #expect(try await provider.read(endpointID: "nv1").settings.drift(toward: wanted).isEmpty)
            #expect(await state.writes().count == 1)
        }
    }

    @Test func scaleToZeroSendsAnExplicitZero() async throws {
        try await run { state, provider in
            try await provider.apply(ManagedSettings(minReplicas: 0, maxReplicas: 3), endpointID: "nv1")
            #expect(await state.writes().first?.body?["workerConfig"]?["minNum"] == 0)
        }
    }

    @Test(arguments: [["workerConfig", "gpuNum"], ["workerConfig", "requestTimeout"]])
    func aReadMissingANumberIsNeverSentBackIncomplete(field: [String]) async throws {
        try await run { state, provider in
            await state.setEndpoint("nv1", FakeNovitaV1.endpoint(id: "nv1").removing(field))
            let error = await failure { try await provider.apply(ManagedSettings(minReplicas: 1, maxReplicas: 3), endpointID: "nv1") }
            #expect(error?.kind == .malformed)
            #expect(await state.writes().isEmpty)
        }
    }

    @Test func aNegativeNumberInTheReadIsNeverEchoed() async throws {
        try await run { state, provider in
            var broken = FakeNovitaV1.endpoint(id: "nv1")
            broken["volumeMounts"] = [["type": "local", "id": "", "size": -7, "mountPath": "/data"]]
            await state.setEndpoint("nv1", broken)
            let error = await failure { try await provider.apply(ManagedSettings(minReplicas: 1, maxReplicas: 3), endpointID: "nv1") }
            #expect(error?.kind == .malformed)
            #expect(await state.writes().isEmpty)
        }
    }

    @Test func theFakeEmptiesAParameterAnUpdateLeavesOut() async throws {
        // The fake's own replacement, proven: an update without envs empties them.
        let state = FakeProviderState(endpoints: ["nv1": FakeNovitaV1.endpoint(id: "nv1")])
        try await withFakeServer(FakeNovitaV1.router(state)) { baseURL in
            let transport = testTransport(baseURL, headers: [("Authorization", "Bearer \(FakeNovitaV1.apiKey)")], secrets: [])
            let body: JSON = [
                "id": "nv1", "workerConfig": ["minNum": 1, "maxNum": 3, "freeTimeout": 45, "maxConcurrent": 4, "gpuNum": 2, "requestTimeout": 900],
                "ports": [["port": 8000]], "policy": ["type": "concurrency", "value": 7], "image": ["image": "registry.example/chat:1", "authId": "", "command": ""],
            ]
            _ = try await transport.send(ProviderRequest(.post, "/gpu-instance/openapi/v1/endpoint/update", body: body))
            #expect(await state.endpoint("nv1")?["envs"] == [])
            #expect(await state.endpoint("nv1")?["volumeMounts"] == [])
            var incomplete = body
            incomplete["policy"] = nil
            let error = await failure { _ = try await transport.send(ProviderRequest(.post, "/gpu-instance/openapi/v1/endpoint/update", body: incomplete)) }
            #expect(error?.message.contains("policy is required") == true)
        }
    }

    @Test func driftIsSeenAndCorrected() async throws {
        try await run { state, provider in
            var edited = FakeNovitaV1.endpoint(id: "nv1")
            edited["policy"] = ["type": "concurrency", "value": "3"]
            await state.setEndpoint("nv1", edited)
            let wanted = ManagedSettings(minReplicas: 1, maxReplicas: 3, idleTimeout: 45, scaler: .requestCount(7))
            let live = try await provider.read(endpointID: "nv1").settings
            #expect(live.drift(toward: wanted) == [SettingDrift(field: "scaler", live: "request_count 3", wanted: "request_count 7")])
            try await provider.apply(wanted, endpointID: "nv1")
            #expect(try await provider.read(endpointID: "nv1").settings.drift(toward: wanted).isEmpty)
        }
    }

    @Test func faultsAreRetriedThenTyped() async throws {
        try await run { state, provider in
            await state.inject(.status(503, body: #"{"code":503,"message":"overloaded"}"#))
            let status = try await provider.read(endpointID: "nv1")
            #expect(status.replicas == 1)
            await state.inject(.malformed(#"{"endpoint": "gone"}"#))
            #expect(await failure { _ = try await provider.read(endpointID: "nv1") }?.kind == .malformed)
        }
    }

    @Test func anOKAnswerCarryingAnErrorCodeIsARefusal() async throws {
        try await run { state, provider in
            // The read passes; the update is answered 200 with Novita's error body.
            await state.inject(.pass, .malformed(#"{"code":400,"message":"INSUFFICIENT_RESOURCE"}"#))
            let error = await failure { try await provider.apply(ManagedSettings(minReplicas: 2, maxReplicas: 3), endpointID: "nv1") }
            #expect(error?.kind == .rejected)
            #expect(error?.message.contains("INSUFFICIENT_RESOURCE") == true)
        }
    }
}
