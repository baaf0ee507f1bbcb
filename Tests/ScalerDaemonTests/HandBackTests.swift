import Foundation
import ScalerConfig
import ScalerCore
import ScalerPorts
@testable import ScalerDaemon
import ScalerJournal
import ScalerProviders
import ScalerTestSupport
import Testing

/// What a graceful stop leaves each endpoint with, on a clock the test moves.
@Suite struct HandBackRules {
    private func config() throws -> ScalerdConfig {
        let yaml = """
            tick: 5s
            on_stop: release
            journal: { path: /tmp/unused.sqlite }
            providers:
              - { name: demo, kind: simulated }
            endpoints:
              - { name: answers, provider: demo, id: a, policy: { type: concurrency, value: 1, min_replicas: 2, max_replicas: 8 } }
              - { name: hangs, provider: demo, id: h, policy: { type: concurrency, value: 1, min_replicas: 1, max_replicas: 8 } }
              - { name: refuses, provider: demo, id: r, policy: { type: concurrency, value: 1, min_replicas: 1, max_replicas: 8 } }
              - { name: holds, provider: demo, id: o, on_stop: hold, policy: { type: concurrency, value: 1, max_replicas: 8 } }
              - { name: watches, provider: demo, id: w, mode: dry-run, policy: { type: concurrency, value: 1, max_replicas: 8 } }
              - { name: paused, provider: demo, id: p, policy: { type: concurrency, value: 1, max_replicas: 8 } }
            """
        return try ConfigLoader(catalog: ProviderModules.catalog).parse(yaml, file: "test.yaml")
    }

    @Test func releasedEndpointsGetMinReplicasWithinTheBudgetAndTheRestAreLeftAsConfigured() async throws {
        let config = try config()
        let clock = ManualClock()
        let applied = AppliedSettings()
        let refused = AppliedSettings()
        let providers: [String: ScriptedProvider] = [
            "answers": ScriptedProvider(clock: clock, applied: applied),
            "hangs": ScriptedProvider(clock: clock, applyDelay: .seconds(600), applied: applied),
            "refuses": ScriptedProvider(clock: clock, applyError: ProviderError(.unauthorized, "401: key revoked"), attempted: refused),
        ]
        let runtimes = config.endpoints.map { endpoint in
            EndpointRuntime(config: endpoint, provider: providers[endpoint.name] ?? ScriptedProvider(applied: applied), limits: .anything, metrics: FixedMetrics(inFlight: 0))
        }
        #expect(HandBack.budget(tick: config.tick) == 20)
        let handBack = Task { await HandBack.run(runtimes, paused: ["paused"], within: 20, clock: clock) }
        // Once the answered push is in, the hanging push and its deadline's timer wait; nothing
        // is cut before the budget.
        // The refused push is answered before the clock moves: on a loaded machine it could
        // otherwise start after the budget and be cut as a timeout.
        while await applied.byEndpoint["a"] == nil { await Task.yield() }
        while await refused.byEndpoint["r"] == nil { await Task.yield() }
        await clock.waitForSleepers(2)
        clock.advance(by: .seconds(19))
        #expect(clock.sleeping >= 2)
        clock.advance(by: .seconds(1))
        let records = Dictionary(uniqueKeysWithValues: await handBack.value.map { ($0.endpoint, $0) })

        #expect(records["answers"] == HandBackRecord(endpoint: "answers", onStop: .release, action: .released, pushedMinReplicas: 2, outcome: .ok))
        let pushed = try #require(await applied.byEndpoint["a"]?.last)
        #expect(pushed.minReplicas == 2 && pushed.maxReplicas == 8, "the floor back to min_replicas, the provider's scaler up to max_replicas")
        #expect(records["hangs"]?.outcome == .error && records["hangs"]?.errorKind == .timeout)
        #expect(await applied.byEndpoint["h"] == nil, "the hanging push was cut off unanswered")
        #expect(records["refuses"]?.errorKind == .unauthorized && records["refuses"]?.detail == "401: key revoked")
        #expect(records["holds"] == HandBackRecord(endpoint: "holds", onStop: .hold, action: .held))
        #expect(records["watches"]?.action == .skipped && records["watches"]?.detail == "dry-run")
        #expect(records["paused"]?.action == .skipped && records["paused"]?.detail == "paused by an operator")
        let all = await applied.byEndpoint
        #expect(all["o"] == nil && all["w"] == nil && all["p"] == nil, "nothing pushed where not released")
    }

    @Test func theBudgetKeepsTheStopInsideSystemdsTimeout() {
        #expect(HandBack.budget(tick: 0.25) == 1)
        #expect(HandBack.budget(tick: 1) == 4)
        #expect(HandBack.budget(tick: 300) == 20, "never more than a third of the unit's 60 s TimeoutStopSec")
    }
}
