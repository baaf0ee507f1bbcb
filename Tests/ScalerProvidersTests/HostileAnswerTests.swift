import Foundation
import ScalerCore
import ScalerHTTP
@testable import ScalerMetrics
import ScalerPorts
@testable import ScalerProviders
import ScalerSimulation
import ScalerTestSupport
import Testing

/// No provider or metric answer can crash scalerd or pass a count it cannot use: the answers that
/// did are refused, and each decoder meets thousands of seeded mutations of a real answer.
@Suite struct HostileAnswers {
    static let bound = 0...Count.absurd

    @Test(arguments: [
        ["jobs": ["inQueue": .integer(Int64.max - 1), "inProgress": 1], "workers": ["idle": 0, "running": 1]],
        ["jobs": ["inQueue": .integer(Int64.max / 2 + 1), "inProgress": .integer(Int64.max / 2 + 1)], "workers": ["idle": 0, "running": 0]],
        ["jobs": ["inQueue": 1, "inProgress": 1], "workers": ["idle": .integer(Int64.max), "running": .integer(Int64.max)]],
        ["jobs": ["inQueue": -7, "inProgress": 1]],
    ] as [JSON])
    func runPodHealthCountsPastAnyRealOneFailTheSample(health: JSON) {
        #expect(throws: MetricError.self) { _ = try RunPodHealthSource.counts(in: health) }
    }

    @Test func aNegativeReplicaCountMakesEveryProvidersReadUnusable() {
        #expect(throws: ProviderError.self) { _ = try RunPodRESTProvider.settings(from: FakeRunPodREST.endpoint(id: "e", min: -7), context: "test") }
        #expect(throws: ProviderError.self) { _ = try RunPodGraphQLProvider.status(of: FakeRunPodGraphQL.endpoint(id: "e").replacing(["workersMin"], with: -7), context: "test") }
        #expect(throws: ProviderError.self) { _ = try EndpointsV2Provider.status(from: FakeEndpointsV2.endpoint(id: "e", min: -7), context: "test") }
        #expect(throws: ProviderError.self) { _ = try NovitaV1Provider.status(of: FakeNovitaV1.endpoint(id: "e", min: -7)) }
        let wanted = ManagedSettings(minReplicas: 1, maxReplicas: 2)
        for field in [["workerConfig", "gpuNum"], ["workerConfig", "requestTimeout"], ["workerConfig", "maxConcurrent"]] {
            #expect(throws: ProviderError.self) { _ = try NovitaV1Provider.updateBody(from: FakeNovitaV1.endpoint(id: "e").replacing(field, with: -7), id: "e", wanted: wanted) }
        }
    }

    /// Runs `decode` on `rounds` seeded mutations of `template`; every success must pass `check`.
    private func fuzz<T>(_ template: JSON, rounds: Int = 2_000, decode: (JSON) throws -> T, check: (T) -> Bool) {
        var accepted = 0
        for seed in 0..<UInt64(Hostile.rounds(rounds)) {
            var rng = SplitMix64(seed: seed)
            let answer = Hostile.mutate(template, using: &rng)
            guard let value = try? decode(answer) else { continue }
            accepted += 1
            #expect(check(value), "seed \(seed) decoded out of bounds: \(answer)")
        }
        #expect(accepted > 0, "some mutations still decode, so the checks ran")
    }

    private func within(_ settings: ManagedSettings) -> Bool {
        Self.bound.contains(settings.minReplicas) && settings.maxReplicas.map(Self.bound.contains) != false
    }

    @Test func providerReadsNeverPassACountOutOfBounds() {
        fuzz(FakeRunPodREST.endpoint(id: "e"), decode: { try RunPodRESTProvider.settings(from: $0, context: "fuzz") }, check: within)
        fuzz(FakeRunPodGraphQL.endpoint(id: "e"), decode: { try RunPodGraphQLProvider.status(of: $0, context: "fuzz") }, check: { within($0.settings) })
        fuzz(FakeEndpointsV2.endpoint(id: "e"), decode: { try EndpointsV2Provider.status(from: $0, context: "fuzz") }) {
            within($0.settings) && ($0.readyWorkers ?? 0) >= 0
        }
        fuzz(FakeNovitaV1.endpoint(id: "e"), decode: { try NovitaV1Provider.status(of: $0) }) { within($0.settings) && ($0.readyWorkers ?? 0) >= 0 }
    }

    @Test func aNovitaUpdateNeverEchoesANegativeOrAbsurdNumber() {
        fuzz(FakeNovitaV1.endpoint(id: "e"), decode: { try NovitaV1Provider.updateBody(from: $0, id: "e", wanted: ManagedSettings(minReplicas: 1, maxReplicas: 2)) }) { body in
            let numbers = NovitaV1Provider.workerConfigNumbers.compactMap { body["workerConfig"]?[$0] }
                + (body["volumeMounts"]?.array ?? []).compactMap { $0["size"] }
            return numbers.allSatisfy { $0.int.map(Self.bound.contains) == true }
        }
    }

    @Test func aGPUGeekListingPageNeverYieldsAMemberWithoutAnIdOrStatus() {
        let page: JSON = [
            "instances": [
                ["instanceId": 1, "name": "scalerd-e-a", "status": "running", "isPending": 0, "createdAt": "2026-11-22 10:00:00"],
                ["instanceId": 2, "name": "scalerd-e-b", "status": "creating", "isPending": 1, "createdAt": "2026-11-22 10:00:01"],
                ["instanceId": 3, "name": "other", "status": "running", "isPending": 0],
            ],
            "total": 3,
        ]
        fuzz(page, decode: { try GPUGeekAPI.page($0, prefix: "scalerd-e-", label: "fuzz") }) { listed in
            Self.bound.contains(listed.total) && listed.instances.allSatisfy { (Int64($0.0) ?? 0) > 0 }
        }
    }

    @Test func metricAnswersNeverPassACountOutOfBounds() {
        let counts = 0...MetricSample.largestCount
        fuzz(["jobs": ["completed": 9, "failed": 0, "inProgress": 2, "inQueue": 4, "retried": 0], "workers": ["idle": 1, "running": 2]],
             decode: { try RunPodHealthSource.counts(in: $0) }) { counts.contains($0.queued) && counts.contains($0.inFlight) && ($0.ready ?? 0) >= 0 }
        let pointers = HTTPJSONSource.Pointers(queueDelay: JSONPointer("/q/delay"), queued: JSONPointer("/q/waiting"), inFlight: JSONPointer("/q/running"), readyWorkers: JSONPointer("/w"))
        fuzz(["q": ["delay": 1.5, "waiting": 3, "running": 2], "w": 4], decode: { try HTTPJSONSource.sample(in: $0, pointers: pointers, at: Date()) }) { sample in
            [sample.queued, sample.inFlight, sample.readyWorkers].allSatisfy { $0.map(counts.contains) != false } && (sample.queueDelay ?? 0) >= 0
        }
        fuzz(["status": "success", "data": ["resultType": "vector", "result": [["metric": [:], "value": [1_800_000_000, "3"]]]]],
             decode: { try PrometheusSource.value(in: $0, query: "q") }) { ($0 ?? 0).isFinite && ($0 ?? 0) >= 0 }
    }
}
