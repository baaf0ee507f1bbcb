import AsyncHTTPClient
import Foundation
import ScalerCore
import ScalerPorts
import ScalerHTTP
import ScalerProviders
import ScalerTestSupport
import Testing

/// RunPod REST v2 against a server that implements the documented API strictly.
@Suite struct RunPodRESTContract {
    private func provider(_ baseURL: String, key: String = FakeRunPodREST.apiKey, timeout: Double = 2) -> RunPodRESTProvider {
        RunPodRESTProvider(transport: testTransport(baseURL, headers: [("Authorization", "Bearer \(key)")], secrets: [key], requestTimeout: timeout))
    }

    private func run(_ test: @Sendable @escaping (FakeProviderState, RunPodRESTProvider) async throws -> Void) async throws {
        let state = FakeProviderState(endpoints: ["ep1": FakeRunPodREST.endpoint(id: "ep1")])
        try await withFakeServer(FakeRunPodREST.router(state)) { baseURL in
            try await test(state, provider(baseURL))
        }
    }

    @Test func aReadIsOneRequestForTheEndpointAlone() async throws {
        try await run { state, provider in
            let status = try await provider.read(endpointID: "ep1")
            #expect(status.settings == ManagedSettings(minReplicas: 1, maxReplicas: 10, idleTimeout: 5, scaler: .queueDelay(4)))
            #expect(status.readyWorkers == nil, "ready workers come from /health, not a second request")
            #expect(await state.requests.map(\.path) == ["/v2/serverless/ep1"])
        }
    }

    @Test func fiftyScaleCyclesChangeNothingButWorkersAndScaling() async throws {
        try await run { state, provider in
            try await ProviderContract.cyclesKeepEveryUnmanagedField(
                provider, state: state, id: "ep1", limits: ProviderContract.limits(.runpod, api: "rest"), scaler: .queueDelay(2.5)
            ) { $0.removing([["workers", "min"], ["workers", "max"], ["workers", "idleTimeout"], ["scaling"]]) }
            #expect(await state.writes().allSatisfy { Set($0.body?.object?.keys ?? [:].keys).isSubset(of: ["workers", "scaling"]) })
        }
    }

    @Test func aPatchAnsweredWithAnErrorBodyIsNotApplied() async throws {
        try await run { state, provider in
            await state.inject(.malformed(#"{"error":"endpoint is locked"}"#))
            let error = await failure { try await provider.apply(ManagedSettings(minReplicas: 2, maxReplicas: 10), endpointID: "ep1") }
            #expect(error?.kind == .malformed)
        }
    }

    @Test func scaleUpPatchesOnlyWorkersAndScaling() async throws {
        try await run { state, provider in
            let wanted = ManagedSettings(minReplicas: 3, maxReplicas: 8, idleTimeout: 30, scaler: .queueDelay(2))
            try await provider.apply(wanted, endpointID: "ep1")
            let write = try #require(await state.writes().first)
            #expect(write.method == "PATCH")
            #expect(write.path == "/v2/serverless/ep1")
            #expect(write.body == ["workers": ["min": 3, "max": 8, "idleTimeout": 30], "scaling": ["type": "QUEUE_DELAY", "queueDelay": 2]])
            #expect(try await provider.read(endpointID: "ep1").settings == wanted)
        }
    }

    @Test func scaleToZeroSendsAnExplicitZero() async throws {
        try await run { state, provider in
            try await provider.apply(ManagedSettings(minReplicas: 0, maxReplicas: 10, idleTimeout: 5, scaler: .queueDelay(4)), endpointID: "ep1")
            let body = try #require(await state.writes().first?.body)
            #expect(body["workers"]?["min"] == 0)
            #expect(try await provider.read(endpointID: "ep1").replicas == 0)
        }
    }

    @Test func aConcurrencyPolicyBecomesRequestCountWithoutIdleTimeout() async throws {
        try await run { state, provider in
            let wanted = ProviderContract.limits(.runpod, api: "rest").normalized(ManagedSettings(minReplicas: 2, maxReplicas: 6, idleTimeout: 300, scaler: .requestCount(4)))
            #expect(wanted.idleTimeout == nil)
            try await provider.apply(wanted, endpointID: "ep1")
            let body = try #require(await state.writes().first?.body)
            #expect(body["scaling"] == ["type": "REQUEST_COUNT", "requestCount": 4])
            #expect(body["workers"]?["idleTimeout"] == nil)
            #expect(try await provider.read(endpointID: "ep1").settings.scaler == .requestCount(4))
        }
    }

    @Test func driftFromAConsoleEditIsSeenField() async throws {
        try await run { state, provider in
            var edited = FakeRunPodREST.endpoint(id: "ep1")
            edited["workers"]?["max"] = 2 // RunPod lowers max workers on idle endpoints
            await state.setEndpoint("ep1", edited)
            let live = try await provider.read(endpointID: "ep1").settings
            let wanted = ManagedSettings(minReplicas: 1, maxReplicas: 10, idleTimeout: 5, scaler: .queueDelay(4))
            #expect(live.drift(toward: wanted) == [SettingDrift(field: "max_replicas", live: "2", wanted: "10")])
            try await provider.apply(wanted, endpointID: "ep1")
            #expect(try await provider.read(endpointID: "ep1").settings.drift(toward: wanted).isEmpty)
        }
    }

    @Test func tooManyRequestsIsRetriedAfterRetryAfter() async throws {
        let state = FakeProviderState(endpoints: ["ep1": FakeRunPodREST.endpoint(id: "ep1")])
        try await withFakeServer(FakeRunPodREST.router(state)) { baseURL in
            let clock = ManualClock()
            let provider = RunPodRESTProvider(transport: testTransport(
                baseURL, headers: [("Authorization", "Bearer \(FakeRunPodREST.apiKey)")], secrets: [], clock: clock
            ))
            await state.inject(.status(429, body: #"{"title":"Too Many Requests","status":429,"detail":"rate limit exceeded for the minute window"}"#, retryAfter: "1"))
            let read = Task { try await provider.read(endpointID: "ep1") }
            // The wait the provider asked for, not the request timeout beside it.
            await clock.waitForSleepers(dueWithin: .seconds(1))
            #expect(await state.requests.count == 1, "the retry waits for the second the provider named")
            clock.advance(by: .milliseconds(999))
            #expect(await state.requests.count == 1 && clock.sleeping == 1)
            clock.advance(by: .milliseconds(1))
            _ = try await read.value
            #expect(await state.requests.filter { $0.path == "/v2/serverless/ep1" }.count == 2)
        }
    }

    @Test func serverErrorsAreRetriedThenSucceed() async throws {
        try await run { state, provider in
            await state.inject(.status(500, body: #"{"title":"Internal Server Error","status":500}"#), .status(503, body: ""))
            try await provider.apply(ManagedSettings(minReplicas: 2, maxReplicas: 10, idleTimeout: 5, scaler: .queueDelay(4)), endpointID: "ep1")
            #expect(await state.writes().count == 3)
        }
    }

    @Test func persistentServerErrorsEndAsUnavailable() async throws {
        try await run { state, provider in
            for _ in 0..<4 { await state.inject(.status(502, body: "bad gateway")) }
            let error = await failure { _ = try await provider.read(endpointID: "ep1") }
            #expect(error?.kind == .unavailable)
            #expect(error?.message.contains("502") == true)
            #expect(await state.requests.count == 4, "four attempts, then the endpoint holds until the next tick")
        }
    }

    @Test func aHungRequestTimesOutAndIsRetried() async throws {
        let state = FakeProviderState(endpoints: ["ep1": FakeRunPodREST.endpoint(id: "ep1")])
        try await withFakeServer(FakeRunPodREST.router(state)) { baseURL in
            let held = HeldAnswers()
            defer { held.release() }
            await state.inject(.unanswered(until: held))
            let status = try await provider(baseURL, timeout: 0.3).read(endpointID: "ep1")
            #expect(status.replicas == 1)
        }
    }

    @Test(arguments: ["{\"workers\": ", "[1,2,3]", "{\"workers\": {\"min\": \"many\", \"max\": 3}}", String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)])
    func aMalformedAnswerIsAnErrorNotACrash(body: String) async throws {
        try await run { state, provider in
            await state.inject(.malformed(body))
            let error = await failure { _ = try await provider.read(endpointID: "ep1") }
            #expect(error?.kind == .malformed)
        }
    }

    @Test func aWrongKeyIsUnauthorizedAndNeverQuoted() async throws {
        let state = FakeProviderState(endpoints: ["ep1": FakeRunPodREST.endpoint(id: "ep1")])
        try await withFakeServer(FakeRunPodREST.router(state)) { baseURL in
            let error = await failure { _ = try await provider(baseURL, key: "rp_wrong_key_987").read(endpointID: "ep1") }
            #expect(error?.kind == .unauthorized)
            #expect(error?.message.contains("rp_wrong_key_987") == false)
            #expect(error?.message.contains("invalid API key") == true)
        }
    }

    @Test func anUnknownEndpointIsNotFound() async throws {
        try await run { _, provider in
            let error = await failure { _ = try await provider.read(endpointID: "nope") }
            #expect(error?.kind == .notFound)
        }
    }

    @Test func aValidationRefusalCarriesTheProvidersWords() async throws {
        try await run { _, provider in
            let error = await failure { try await provider.apply(ManagedSettings(minReplicas: 5, maxReplicas: 2), endpointID: "ep1") }
            #expect(error?.kind == .rejected)
            #expect(error?.message.contains("min must not exceed max") == true)
        }
    }

    @Test func anEndpointIdThatWouldChangeThePathIsRefused() async throws {
        try await run { state, provider in
            #expect(await failure { _ = try await provider.read(endpointID: "../v2/serverless") }?.kind == .rejected)
            #expect(await state.requests.isEmpty)
        }
    }
}
