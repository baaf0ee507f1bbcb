import Foundation
import ScalerCore
import ScalerHTTP
import ScalerPorts
import ScalerProviders
import ScalerTestSupport
import Testing

/// RunPod GraphQL against a fake that answers only the fields a query selects and whose
/// `saveEndpoint` resets every input field it is not sent.
@Suite struct RunPodGraphQLContract {
    private func run(key: String = FakeRunPodGraphQL.apiKey, _ test: @Sendable @escaping (FakeProviderState, RunPodGraphQLProvider) async throws -> Void) async throws {
        let state = FakeProviderState(endpoints: ["gq1": FakeRunPodGraphQL.endpoint(id: "gq1"), "other": FakeRunPodGraphQL.endpoint(id: "other")])
        try await withFakeServer(FakeRunPodGraphQL.router(state)) { baseURL in
            let transport = testTransport(baseURL, headers: [], authQuery: [URLQueryItem(name: "api_key", value: key)], secrets: [])
            try await test(state, RunPodGraphQLProvider(transport: transport))
        }
    }

    /// The fields a save may change: the managed ones.
    static let managed = [["workersMin"], ["workersMax"], ["workersStandby"], ["idleTimeout"], ["scalerType"], ["scalerValue"]]

    @Test func readsTheEndpointFromMyself() async throws {
        try await run { state, provider in
            let status = try await provider.read(endpointID: "gq1")
            #expect(status.settings == ManagedSettings(minReplicas: 1, maxReplicas: 7, idleTimeout: 42, scaler: .queueDelay(9)))
            let request = try #require(await state.requests.first)
            #expect(request.query?.contains("api_key=\(FakeRunPodGraphQL.apiKey)") == true, "the key goes in api_key, as documented")
        }
    }

    @Test func fiftyScaleCyclesKeepFlashBootVolumesModelsAndEveryOtherField() async throws {
        try await run { state, provider in
            try await ProviderContract.cyclesKeepEveryUnmanagedField(
                provider, state: state, id: "gq1", limits: ProviderContract.limits(.runpod, api: "graphql"), scaler: .requestCount(3)
            ) { $0.removing(Self.managed) }
            let saved = try #require(await state.endpoint("gq1"))
            #expect(saved["flashBootType"] == "FLASHBOOT" && saved["executionTimeoutMs"] == 300_000 && saved["type"] == "LB")
            #expect(saved["networkVolumeIds"] == [["networkVolumeId": "vol-eu", "dataCenterId": "EU-RO-1"]])
            #expect(saved["modelReferences"] == ["hf:meta-llama/Llama-3.1-8B"] && saved["allowedCudaVersions"] == "12.4,12.6")
            #expect(await state.endpoint("other") == FakeRunPodGraphQL.endpoint(id: "other"), "another endpoint is never written")
        }
    }

    @Test func theStandbyCountAlwaysFollowsTheMinimum() async throws {
        try await run { state, provider in
            var noStandby = FakeRunPodGraphQL.endpoint(id: "gq1")
            noStandby["workersStandby"] = .null
            await state.setEndpoint("gq1", noStandby)
            try await provider.apply(ManagedSettings(minReplicas: 0, maxReplicas: 7), endpointID: "gq1")
            let input = try #require(await state.writes().last?.body?["variables"]?["input"])
            #expect(input["workersMin"] == 0, "an explicit zero")
            #expect(input["workersStandby"] == 0, "sent even when the read had none, or the default keeps one warm")
            #expect(await state.endpoint("gq1")?["workersStandby"] == 0)
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

    @Test func theFakeRefusesAFieldTheTypeDoesNotHave() async throws {
        // The fake's own strictness, proven: a query for an unknown field is an error, as GraphQL's is.
        let state = FakeProviderState(endpoints: ["gq1": FakeRunPodGraphQL.endpoint(id: "gq1")])
        try await withFakeServer(FakeRunPodGraphQL.router(state)) { baseURL in
            let transport = testTransport(baseURL, headers: [], authQuery: [URLQueryItem(name: "api_key", value: FakeRunPodGraphQL.apiKey)], secrets: [])
            let answer = try await transport.json(ProviderRequest(.post, "/graphql", body: ["query": "query { myself { endpoints { id flashboot } } }"]))
            #expect(answer["errors"]?.array?.first?["message"]?.string?.contains("Cannot query field \"flashboot\"") == true)
            let whole = try await transport.json(ProviderRequest(.post, "/graphql", body: ["query": "query { myself { endpoints { id workersMin } } }"]))
            #expect(whole["data"]?["myself"]?["endpoints"]?.array?.first?.object?.keys.sorted() == ["id", "workersMin"], "only what was selected")
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
        try await run(key: "rpa_wrong_key_666") { _, provider in
            let error = await failure { _ = try await provider.read(endpointID: "gq1") }
            #expect(error?.kind == .unauthorized)
            #expect(error?.message.contains("rpa_wrong_key_666") == false)
        }
    }

    @Test func aMissingEndpointIsNotFound() async throws {
        try await run { _, provider in
            #expect(await failure { _ = try await provider.read(endpointID: "nope") }?.kind == .notFound)
        }
    }

    @Test func aNegativeWorkerCountMakesTheReadUnusable() async throws {
        try await run { state, provider in
            var broken = FakeRunPodGraphQL.endpoint(id: "gq1")
            broken["workersMin"] = -7
            await state.setEndpoint("gq1", broken)
            #expect(await failure { _ = try await provider.read(endpointID: "gq1") }?.kind == .malformed)
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
