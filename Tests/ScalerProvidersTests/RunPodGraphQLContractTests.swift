import Foundation
import ScalerCore
import ScalerHTTP
import ScalerProviders
import ScalerTestSupport
import Testing

/// RunPod GraphQL against a fake whose `saveEndpoint` resets every field it is not sent.
@Suite struct RunPodGraphQLContract {
    private func run(key: String = FakeRunPodGraphQL.apiKey, _ test: @Sendable @escaping (FakeProviderState, RunPodGraphQLProvider) async throws -> Void) async throws {
        let state = FakeProviderState(endpoints: ["gq1": FakeRunPodGraphQL.endpoint(id: "gq1"), "other": FakeRunPodGraphQL.endpoint(id: "other")])
        try await withFakeServer(FakeRunPodGraphQL.router(state)) { baseURL in
            let transport = testTransport(baseURL, headers: [], secrets: [key])
            try await test(state, RunPodGraphQLProvider(transport: transport, apiKey: key))
        }
    }

    @Test func readsTheEndpointFromMyself() async throws {
        try await run { state, provider in
            let status = try await provider.read(endpointID: "gq1")
            #expect(status.settings == ManagedSettings(minReplicas: 1, maxReplicas: 7, idleTimeout: 42, scaler: .queueDelay(9)))
            let request = try #require(await state.requests.first)
            #expect(request.query?.contains("api_key=\(FakeRunPodGraphQL.apiKey)") == true, "the key goes in api_key, as documented")
        }
    }

    @Test func aSaveSendsEveryFieldBackSoNothingIsReset() async throws {
        try await run { state, provider in
            try await provider.apply(ManagedSettings(minReplicas: 0, maxReplicas: 5, idleTimeout: 30, scaler: .requestCount(3)), endpointID: "gq1")
            let saved = try #require(await state.endpoint("gq1"))
            #expect(saved == [
                "id": "gq1", "name": "sdxl -fb", "templateId": "xkhgg72fuo", "gpuIds": "AMPERE_16", "gpuCount": 2,
                "workersMin": 0, "workersMax": 5, "workersStandby": 0, "idleTimeout": 30, "scalerType": "REQUEST_COUNT",
                "scalerValue": 3, "locations": "US", "networkVolumeId": "vol-1",
            ])
            #expect(await state.writes().last?.body?["variables"]?["input"]?["workersMin"] == 0, "an explicit zero")
        }
    }

    @Test func driftFromAConsoleEditIsSeenAndCorrected() async throws {
        try await run { state, provider in
            var edited = FakeRunPodGraphQL.endpoint(id: "gq1")
            edited["idleTimeout"] = 5 // a save from elsewhere that omitted it reset it to the default
            await state.setEndpoint("gq1", edited)
            let wanted = ManagedSettings(minReplicas: 1, maxReplicas: 7, idleTimeout: 42, scaler: .queueDelay(9))
            let live = try await provider.read(endpointID: "gq1").settings
            #expect(live.drift(toward: wanted) == [SettingDrift(field: "idle_timeout", live: "5", wanted: "42")])
            try await provider.apply(wanted, endpointID: "gq1")
            let after = try await provider.read(endpointID: "gq1").settings
            #expect(after.drift(toward: wanted).isEmpty)
        }
    }

    @Test func errorsInAnOKAnswerAreAFailure() async throws {
        try await run { state, provider in
            await state.inject(.malformed(#"{"errors":[{"message":"There are no longer any instances available"}],"data":null}"#))
            let error = await failure { _ = try await provider.read(endpointID: "gq1") }
            #expect(error?.kind == .rejected)
            #expect(error?.message.contains("no longer any instances") == true)
        }
    }

    @Test func theKeyNeverAppearsInAnError() async throws {
        try await run(key: "rpa_wrong_key_666") { state, provider in
            let error = await failure { _ = try await provider.read(endpointID: "gq1") }
            #expect(error?.kind == .unauthorized)
            #expect(error?.message.contains("rpa_wrong_key_666") == false)
            _ = state
        }
    }

    @Test func aMissingEndpointIsNotFound() async throws {
        try await run { _, provider in
            #expect(await failure { _ = try await provider.read(endpointID: "nope") }?.kind == .notFound)
        }
    }

    @Test func faultsAreRetried() async throws {
        try await run { state, provider in
            await state.inject(.status(429, body: "{}", retryAfter: "0"), .status(502, body: ""))
            let status = try await provider.read(endpointID: "gq1")
            #expect(status.replicas == 1)
        }
    }
}
