import Foundation
import ScalerCore
import ScalerHTTP
import ScalerProviders
import ScalerTestSupport
import Synchronization
import Testing

/// The instance pool against a fake GPUGeek that runs operations asynchronously.
@Suite struct GPUGeekPoolContract {
    static let template = GPUGeekInstanceTemplate(
        gpuName: "G40-24G", gpuNum: 1, imageID: "torch2.1.1-cuda12.1.0-py3.10", skuName: "payg",
        command: "python serve.py", datacenterID: "suqian-b", httpPorts: [8080], systemDiskSize: 30
    )

    private func run(token: String = FakeGPUGeekCloud.token, _ test: @Sendable @escaping (FakeGPUGeekCloud, FakeProviderState, GPUGeekPoolProvider) async throws -> Void) async throws {
        let cloud = FakeGPUGeekCloud()
        let state = FakeProviderState(endpoints: [:])
        try await withFakeServer(FakeGPUGeek.router(cloud, state)) { baseURL in
            let transport = ProviderTransport(client: sharedTestClient, baseURL: baseURL, headers: [("gz-api-token", token)], secrets: [token])
            let counter = Counter()
            let provider = GPUGeekPoolProvider(transport: transport, template: Self.template, followFor: 2, pollInterval: 0.05) { "n\(counter.next())" }
            try await test(cloud, state, provider)
        }
    }

    @Test func replicasAreThePoolsRunningAndCreatingInstancesOnly() async throws {
        try await run { cloud, _, provider in
            _ = await cloud.seed(name: "scalerd-sdxl-a1", status: "running", createdAt: "2026-11-22 10:00:00")
            _ = await cloud.seed(name: "scalerd-sdxl-a2", status: "creating", createdAt: "2026-11-22 10:01:00")
            _ = await cloud.seed(name: "scalerd-sdxl-a3", status: "stopd", createdAt: "2026-11-22 10:02:00")
            _ = await cloud.seed(name: "scalerd-sdxl-big-a4", status: "running", createdAt: "2026-11-22 10:03:00")
            _ = await cloud.seed(name: "someone-elses-box", status: "running", createdAt: "2026-11-22 10:04:00")
            let status = try await provider.read(endpointID: "sdxl")
            #expect(status.replicas == 2)
            #expect(status.readyWorkers == 1)
        }
    }

    @Test func scaleUpCreatesNamedInstancesAndFollowsTheirOperations() async throws {
        try await run { cloud, _, provider in
            await cloud.setPolls(2)
            try await provider.apply(ManagedSettings(minReplicas: 2), endpointID: "sdxl")
            let created = await cloud.created
            #expect(created.count == 2)
            #expect(created.first == [
                "type": 2, "gpuName": "G40-24G", "skuName": "payg", "gpuNum": 1, "imageId": "torch2.1.1-cuda12.1.0-py3.10",
                "name": "scalerd-sdxl-n1", "cmd": "python serve.py", "dcId": "suqian-b", "httpServicePort": [8080], "systemDiskSize": 30,
            ])
            let status = try await provider.read(endpointID: "sdxl")
            #expect(status.replicas == 2)
            #expect(status.readyWorkers == 2, "followed through op/result until running")
        }
    }

    @Test func scaleDownReleasesCreatingThenNewestAndNeverForeignInstances() async throws {
        try await run { cloud, _, provider in
            let old = await cloud.seed(name: "scalerd-sdxl-a1", status: "running", createdAt: "2026-11-22 09:00:00")
            let newest = await cloud.seed(name: "scalerd-sdxl-a2", status: "running", createdAt: "2026-11-22 11:00:00")
            let creating = await cloud.seed(name: "scalerd-sdxl-a3", status: "creating", createdAt: "2026-11-22 10:00:00")
            let foreign = await cloud.seed(name: "prod-db", status: "running", createdAt: "2026-11-22 12:00:00")
            try await provider.apply(ManagedSettings(minReplicas: 1), endpointID: "sdxl")
            let released = await cloud.actions.compactMap { $0["instanceId"]?.int.map(Int64.init) }
            #expect(released == [creating, newest])
            var remaining = await cloud.instances
            #expect(remaining[old] != nil)
            #expect(remaining[foreign] != nil)
            try await provider.apply(ManagedSettings(minReplicas: 0), endpointID: "sdxl")
            let after = try await provider.read(endpointID: "sdxl")
            #expect(after.replicas == 0)
            remaining = await cloud.instances
            #expect(remaining[foreign] != nil)
        }
    }

    @Test func aFailedOperationIsAnError() async throws {
        try await run { cloud, _, provider in
            await cloud.failNext()
            let error = await failure { try await provider.apply(ManagedSettings(minReplicas: 1), endpointID: "sdxl") }
            #expect(error?.kind == .operationFailed)
        }
    }

    @Test(arguments: [(10001, ProviderError.Kind.unavailable), (10002, .unauthorized), (10005, .rejected), (10135, .operationFailed), (20000, .rejected)])
    func envelopeCodesHaveTheirOwnKinds(code: Int, kind: ProviderError.Kind) async throws {
        try await run { cloud, _, provider in
            await cloud.setError(code)
            let error = await failure { _ = try await provider.read(endpointID: "sdxl") }
            #expect(error?.kind == kind)
            #expect(error?.message.contains("code \(code)") == true)
        }
    }

    @Test func aWrongTokenIsUnauthorizedAndNeverQuoted() async throws {
        try await run(token: "gg_wrong_token_000") { _, _, provider in
            let error = await failure { _ = try await provider.read(endpointID: "sdxl") }
            #expect(error?.kind == .unauthorized)
            #expect(error?.message.contains("gg_wrong_token_000") == false)
        }
    }

    @Test func thePoolIsFoundAcrossPages() async throws {
        try await run { cloud, _, provider in
            for index in 0..<5 { _ = await cloud.seed(name: "filler-\(index)", status: "running", createdAt: "2026-11-22 08:00:00") }
            _ = await cloud.seed(name: "scalerd-sdxl-last", status: "running", createdAt: "2026-11-22 08:00:00")
            let status = try await provider.read(endpointID: "sdxl")
            #expect(status.replicas == 1)
        }
    }
}

/// Deterministic instance-name suffixes.
final class Counter: Sendable {
    private let value = Mutex(0)
    func next() -> Int { value.withLock { $0 += 1; return $0 } }
}
