import Foundation
import ScalerCore
import ScalerHTTP
import ScalerPorts
import ScalerProviders
import ScalerTestSupport
import Synchronization
import Testing

/// The instance pool against a fake GPUGeek whose operations take time on a test clock.
@Suite struct GPUGeekPoolContract {
    static let template = InstanceTemplate(
        gpuName: "G40-24G", gpuNum: 1, imageID: "torch2.1.1-cuda12.1.0-py3.10", skuName: .payg,
        command: "python serve.py", datacenterID: "suqian-b", httpPorts: [8080], systemDiskSize: 30
    )
    static let target = EndpointTarget(id: "sdxl", pool: PoolSpec(template: template))

    struct Harness: Sendable {
        let cloud: FakeGPUGeekCloud
        let state: FakeProviderState
        let clock: TestClock
        let baseURL: String
        let events: Events

        /// A provider as a (re)started daemon makes it: its ledger restored from the events so far.
        func provider(
            token: String = FakeGPUGeekCloud.token, followFor: Double = 0, requestClock: any Clock<Duration> = ContinuousClock()
        ) -> GPUGeekPoolProvider {
            let transport = testTransport(baseURL, headers: [("gz-api-token", token)], secrets: [token], clock: requestClock)
            let events = self.events
            let ledger = PoolLedger(restoring: events.all) { event, _ in events.append(event) }
            let counter = Counter()
            let clock = self.clock
            return GPUGeekPoolProvider(
                transport: transport, account: "gg", ledger: ledger, followFor: followFor, pollInterval: 0.05,
                clock: { clock.now }, suffix: { "n\(counter.next())" }
            )
        }
    }

    private func run(operationSeconds: Double = 2, _ test: @Sendable @escaping (Harness) async throws -> Void) async throws {
        let clock = TestClock(start: Date(timeIntervalSince1970: 1_790_000_000))
        let cloud = FakeGPUGeekCloud(operationSeconds: operationSeconds, now: { clock.now })
        let state = FakeProviderState(endpoints: [:])
        try await withFakeServer(FakeGPUGeek.router(cloud, state)) { baseURL in
            try await test(Harness(cloud: cloud, state: state, clock: clock, baseURL: baseURL, events: Events()))
        }
    }

    private func wanted(_ replicas: Int, max: Int = 4) -> ManagedSettings {
        ManagedSettings(minReplicas: replicas, maxReplicas: max, stoppedMembers: 0)
    }

    @Test func replicasAreThePoolsServingInstancesAndStoppedOnesAreCountedApart() async throws {
        try await run { harness in
            let cloud = harness.cloud
            await cloud.seed(name: "scalerd-sdxl-a1", status: "running")
            await cloud.seed(name: "scalerd-sdxl-a2", status: "creating")
            await cloud.seed(name: "scalerd-sdxl-a3", status: "stopd")
            await cloud.seed(name: "scalerd-sdxl-big-a4", status: "running")
            await cloud.seed(name: "someone-elses-box", status: "running")
            let status = try await harness.provider().read(Self.target)
            #expect(status.replicas == 2)
            #expect(status.readyWorkers == 1)
            #expect(status.settings.stoppedMembers == 1)
            #expect(status.settings.drift(toward: wanted(2)) == [SettingDrift(field: "stopped_instances", live: "1", wanted: "0")])
        }
    }

    @Test func scaleUpCreatesNamedInstancesFromTheTemplateAndFollowsThem() async throws {
        try await run(operationSeconds: 0) { harness in
            let provider = harness.provider(followFor: 1)
            try await provider.apply(wanted(2), to: Self.target)
            let created = await harness.cloud.created
            #expect(created.count == 2)
            #expect(created.first == [
                "type": 2, "gpuName": "G40-24G", "skuName": "payg", "gpuNum": 1, "imageId": "torch2.1.1-cuda12.1.0-py3.10",
                "name": "scalerd-sdxl-n1", "cmd": "python serve.py", "dcId": "suqian-b", "httpServicePort": [8080], "systemDiskSize": 30,
            ])
            let status = try await provider.read(Self.target)
            #expect(status.replicas == 2)
            #expect(status.readyWorkers == 2, "followed through op/result until running")
        }
    }

    @Test func twoSecondOperationsNeverMeetASecondActionAndTheCeilingHoldsAtEveryMoment() async throws {
        try await run { harness in
            let provider = harness.provider()
            let cloud = harness.cloud
            try await provider.apply(wanted(3), to: Self.target)
            harness.clock.advance(1)
            var status = try await provider.read(Self.target)
            #expect(status.replicas == 3 && status.readyWorkers == 0, "creating and pending: counted, not ready")
            try await provider.apply(wanted(1), to: Self.target)
            #expect(await cloud.actions.isEmpty, "nothing is asked of an instance with an operation in progress")

            harness.clock.advance(1.5)
            status = try await provider.read(Self.target)
            #expect(status.readyWorkers == 3)
            try await provider.apply(wanted(1), to: Self.target)
            #expect(await cloud.actions.count == 2)

            harness.clock.advance(0.5)
            status = try await provider.read(Self.target)
            #expect(status.replicas == 1, "instances being released are not replicas")
            try await provider.apply(wanted(4), to: Self.target)
            #expect(await cloud.created.count == 4, "one create: the two still releasing count against max_replicas 4")

            harness.clock.advance(2)
            try await provider.apply(wanted(4), to: Self.target)
            #expect(await cloud.created.count == 6)
            harness.clock.advance(2)
            status = try await provider.read(Self.target)
            #expect(status.replicas == 4 && status.readyWorkers == 4)
            #expect(await cloud.peakInstances <= 4)
            #expect(await cloud.refusedWhilePending.isEmpty)
        }
    }

    @Test func aStoppedMemberIsReleased() async throws {
        try await run { harness in
            let stopped = await harness.cloud.seed(name: "scalerd-sdxl-old", status: "stopd")
            await harness.cloud.seed(name: "scalerd-sdxl-live", status: "running")
            let provider = harness.provider()
            try await provider.apply(wanted(1), to: Self.target)
            #expect(await harness.cloud.actions == [["instanceId": .integer(stopped), "action": "release"]])
            harness.clock.advance(2)
            let status = try await provider.read(Self.target)
            #expect(status.replicas == 1 && status.settings.stoppedMembers == 0)
        }
    }

    @Test func aMemberInAStatusTheDocumentLacksIsLeftAloneButCountsAgainstTheCeiling() async throws {
        try await run { harness in
            await harness.cloud.seed(name: "scalerd-sdxl-odd", status: "migrating")
            let provider = harness.provider()
            let status = try await provider.read(Self.target)
            #expect(status.replicas == 0 && status.settings.stoppedMembers == 0)
            try await provider.apply(wanted(4), to: Self.target)
            #expect(await harness.cloud.actions.isEmpty)
            #expect(await harness.cloud.created.count == 3, "three more make the four max_replicas allows")
        }
    }

    @Test func aRestartedDaemonAdoptsItsPoolAndCreatesNothingMore() async throws {
        try await run { harness in
            try await harness.provider().apply(wanted(2), to: Self.target)
            harness.clock.advance(0.5)
            let restarted = harness.provider()
            #expect(try await restarted.read(Self.target).replicas == 2)
            try await restarted.apply(wanted(2), to: Self.target)
            #expect(await harness.cloud.created.count == 2)
        }
    }

    @Test func aCreateThatTimesOutAfterActingDoesNotBecomeTwoInstances() async throws {
        try await run { harness in
            let held = HeldAnswers()
            defer { held.release() }
            let requestClock = ManualClock()
            let provider = harness.provider(requestClock: requestClock)
            await harness.cloud.loseNextCreateAnswer(.unanswered(until: held))
            let applying = Task { await failure { try await provider.apply(wanted(1), to: Self.target) } }
            await harness.state.waitForRequest { $0.path.hasSuffix("/create") }
            await requestClock.waitForSleepers()
            requestClock.advance(by: .seconds(2))
            let error = await applying.value
            #expect(error?.kind == .timeout)
            #expect(error?.message.contains("may have carried it out") == true)
            #expect(await harness.state.requests.filter { $0.path.hasSuffix("/create") }.count == 1, "never retried blindly")
            harness.clock.advance(1)
            try await provider.apply(wanted(1), to: Self.target)
            #expect(await harness.cloud.created.count == 1)
            #expect(try await provider.read(Self.target).replicas == 1)
        }
    }

    @Test func aCreateLostBeforeTheProviderActedIsCountedUntilItsGraceEnds() async throws {
        try await run { harness in
            let provider = harness.provider()
            await harness.state.inject(.pass, .status(502, body: "bad gateway"))
            #expect(await failure { try await provider.apply(wanted(1), to: Self.target) }?.kind == .unavailable)
            #expect(try await provider.read(Self.target).replicas == 1, "the lost create still counts")
            try await provider.apply(wanted(1), to: Self.target)
            #expect(await harness.cloud.created.isEmpty)
            harness.clock.advance(121)
            #expect(try await provider.read(Self.target).replicas == 0, "past its grace it is forgotten")
            try await provider.apply(wanted(1), to: Self.target)
            #expect(await harness.cloud.created.count == 1)
        }
    }

    @Test func aShortListingIsAnErrorNeverASmallerPool() async throws {
        try await run { harness in
            for index in 0..<120 { await harness.cloud.seed(name: "filler-\(index)", status: "running") }
            await harness.cloud.seed(name: "scalerd-sdxl-late", status: "running")
            await harness.cloud.setTruncatedListing(true)
            let provider = harness.provider()
            #expect(await failure { _ = try await provider.read(Self.target) }?.kind == .malformed)
            #expect(await failure { try await provider.apply(wanted(2), to: Self.target) }?.kind == .malformed)
            #expect(await harness.cloud.created.isEmpty)
            await harness.cloud.setTruncatedListing(false)
            let whole = try await provider.read(Self.target)
            #expect(whole.replicas == 1, "found on the second page")
        }
    }

    @Test func createsPerApplyStayWithinTheStepLimit() async throws {
        try await run { harness in
            let stepped = EndpointTarget(id: "sdxl", pool: PoolSpec(template: Self.template, maxCreatesPerApply: 2))
            try await harness.provider().apply(wanted(4), to: stepped)
            #expect(await harness.cloud.created.count == 2)
        }
    }

    @Test func aFailedOperationIsAnError() async throws {
        try await run(operationSeconds: 0) { harness in
            await harness.cloud.failNext()
            let error = await failure { try await harness.provider(followFor: 1).apply(wanted(1), to: Self.target) }
            #expect(error?.kind == .operationFailed)
        }
    }

    @Test(arguments: [(10001, ProviderError.Kind.unavailable), (10002, .unauthorized), (10005, .rejected), (10135, .operationFailed), (20000, .rejected)])
    func envelopeCodesHaveTheirOwnKinds(code: Int, kind: ProviderError.Kind) async throws {
        try await run { harness in
            await harness.cloud.setError(code)
            let error = await failure { _ = try await harness.provider().read(Self.target) }
            #expect(error?.kind == kind)
            #expect(error?.message.contains("code \(code)") == true)
        }
    }

    @Test func aWrongTokenIsUnauthorizedAndNeverQuoted() async throws {
        try await run { harness in
            let error = await failure { _ = try await harness.provider(token: "gg_wrong_token_000").read(Self.target) }
            #expect(error?.kind == .unauthorized)
            #expect(error?.message.contains("gg_wrong_token_000") == false)
        }
    }
}

/// The pool events a provider recorded: what the daemon journals and replays.
final class Events: Sendable {
    private let events = Mutex<[PoolLedger.Event]>([])
    var all: [PoolLedger.Event] { events.withLock { $0 } }
    func append(_ event: PoolLedger.Event) { events.withLock { $0.append(event) } }
}

/// Deterministic instance-name suffixes.
final class Counter: Sendable {
    private let value = Mutex(0)
    func next() -> Int { value.withLock { $0 += 1; return $0 } }
}
