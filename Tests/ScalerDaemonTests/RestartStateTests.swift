import Foundation
import ScalerCore
import ScalerJournal
import ScalerTestSupport
import Testing

/// What an endpoint's decisions carry (the scale-down window, learned timings, spend) is saved
/// with every tick and carried on by a restarted daemon.
@Suite struct RestartState {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    private func yaml(_ providerURL: String, _ metricsURL: String) -> String {
        "tick: 5s\n" + FakeEndpointsV2.config(
            providerURL: providerURL, metricsURL: metricsURL, policy: "{ type: concurrency, value: 1, max_replicas: 10, scale_down: { stabilization: 60s } }"
        )
    }

    @Test func aRestartMidScaleDownContinuesTheWindowRatherThanStartingItOver() async throws {
        let state = FakeProviderState(endpoints: ["ep-1": FakeEndpointsV2.endpoint(id: "ep-1", min: 1, max: 10)])
        let metrics = FakeProviderState(endpoints: [:])
        try await withFakeServer(FakeEndpointsV2.router(state)) { providerURL in
            try await withFakeServer(FakeMetrics.router(metrics)) { metricsURL in
                let clock = TestClock(start: Self.start)
                let environment = ["KEY": FakeEndpointsV2.apiKey]
                var first = try await ControllerHarness(yaml: yaml(providerURL, metricsURL), environment: environment, clock: clock)
                defer { first.remove() }
                await metrics.setHealth("ep-1", ["queue": ["waiting": 0, "running": 6]])
                await first.tick()
                #expect(await state.endpoint("ep-1")?["worker_config"]?["min_replicas"] == 6)
                await metrics.setHealth("ep-1", ["queue": ["waiting": 0, "running": 1]])
                for _ in 0..<5 {
                    clock.advance(5)
                    await first.tick()
                }
                // The daemon restarts 30 s into the 60 s window.
                clock.advance(5)
                var restarted = try await ControllerHarness(yaml: yaml(providerURL, metricsURL), environment: environment, clock: clock, directory: first.directory)
                while clock.now < Self.start.addingTimeInterval(100) {
                    await restarted.tick()
                    clock.advance(5)
                }
                let scaledDown = try #require(try restarted.rows().first { $0.action == .scaleDown })
                let after = scaledDown.at.timeIntervalSince(Self.start)
                #expect((60...70).contains(after), "the window that began before the restart ends on time, not 60 s after it: \(after)")
            }
        }
    }

    @Test func aStateSavedUnderAnotherPolicyKeepsOnlyWhatStillHolds() {
        var saved = ScalerState(lastDesired: 4, recommendations: [TimedRecommendation(at: Self.start, replicas: 6)], observingSince: Self.start)
        saved.idleGaps = [30, 40]
        saved.serviceTimes = [1.5]
        let policy = ScalingPolicy(type: .concurrency, value: 1, maxReplicas: 10)
        let changed = saved.resumed(savedAt: Self.start, samePolicy: false, policy: policy, now: Self.start.addingTimeInterval(5))
        #expect(changed.state.recommendations.isEmpty && changed.state.observingSince == nil)
        #expect(changed.state.idleGaps == [30, 40] && changed.state.serviceTimes == [1.5] && changed.state.lastDesired == 4)
        #expect(changed.note.contains("the policy changed"))
        let late = saved.resumed(savedAt: Self.start, samePolicy: true, policy: policy, now: Self.start.addingTimeInterval(600))
        #expect(late.state.recommendations.isEmpty && late.note.contains("longer than max_age"))
        let prompt = saved.resumed(savedAt: Self.start, samePolicy: true, policy: policy, now: Self.start.addingTimeInterval(10))
        #expect(prompt.state == saved)
    }
}
