import Foundation
import ScalerCore
import ScalerPorts
import ScalerSimulation
import ScalerTestSupport
import Testing

/// What the daemon sends a provider is what the simulator's provider scaler runs with: the test
/// reads the fake's request log and the simulator's assumption for the same decision.
@Suite struct ControlModePushes {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(arguments: [ControlMode.floor, .exact])
    func theDaemonPushesWhatTheSimulatorAssumes(_ control: ControlMode) async throws {
        let state = FakeProviderState(endpoints: ["ep1": FakeRunPodREST.endpoint(id: "ep1", min: 0, max: 10, idle: 5)])
        await state.setHealth("ep1", ["jobs": ["completed": 0, "failed": 0, "inProgress": 1, "inQueue": 12, "retried": 0], "workers": ["idle": 0, "running": 1]])
        try await withFakeServer(FakeRunPodREST.router(state)) { baseURL in
            var harness = try await ControllerHarness(yaml: """
                tick: 5s
                providers:
                  - { name: rp, kind: runpod, base_url: "\(baseURL)", health_base_url: "\(baseURL)", api_key: env:KEY, rate_limit: 50 }
                endpoints:
                  - name: chat
                    provider: rp
                    id: ep1
                    policy: { type: queue, value: 2.5, max_replicas: 6, idle_timeout: 90s, provider_idle_timeout: 45s, control: \(control.rawValue) }
                """, environment: ["KEY": FakeRunPodREST.apiKey], clock: TestClock(start: Self.start))
            defer { harness.remove() }
            // RunPod health gives counts, not a delay: scalerd estimates it from a second read.
            await harness.tick()
            harness.clock.advance(5)
            await harness.tick()
            let row = try #require(try harness.rows().last)
            let endpoint = try #require(harness.config.endpoints.first)
            let api = try #require(harness.config.provider(named: "rp")?.api)
            let assumed = ProviderControlledStrategy.pushed(
                replicas: row.desired, ceiling: endpoint.policy.maxReplicas, policy: endpoint.policy, limits: api.limits
            )
            let body = try #require(await state.writes().last?.body)

            #expect(row.desired > 0)
            #expect(body["workers"]?["min"]?.int == assumed.minReplicas)
            #expect(body["workers"]?["max"]?.int == assumed.maxReplicas)
            #expect(body["workers"]?["idleTimeout"]?.int == assumed.idleTimeout)
            // RunPod REST takes a fractional queue delay: 2.5 s stays 2.5 s.
            #expect(assumed.scaler == .queueDelay(2.5))
            #expect(body["scaling"] == ["type": "QUEUE_DELAY", "queueDelay": 2.5])
            switch control {
            case .floor: #expect(assumed.maxReplicas == 6 && assumed.idleTimeout == 45)
            case .exact: #expect(assumed.maxReplicas == row.desired)
            }

            // Further decisions move the maximum with them under exact: scalerd's own change, not drift.
            for _ in 0..<2 {
                harness.clock.advance(5)
                await harness.tick()
            }
            // The first row saw the endpoint as the console left it: that was drift.
            let all = try harness.rows()
            #expect(Set(all.map(\.desired)).count > 1, "the decision moved: \(all.map(\.desired))")
            let rows = all.dropFirst()
            #expect(rows.allSatisfy { $0.drift.isEmpty }, "\(rows.map(\.drift))")

            // A console edit of the maximum is drift in either mode, and is put back.
            var edited = try #require(await state.endpoint("ep1"))
            edited["workers"]?["max"] = 1
            await state.setEndpoint("ep1", edited)
            harness.clock.advance(5)
            await harness.tick()
            #expect(try harness.rows().last?.drift.map(\.field) == ["max_replicas"])
        }
    }
}
