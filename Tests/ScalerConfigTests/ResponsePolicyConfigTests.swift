import ScalerConfig
import ScalerCore
import Testing

/// `burst`, `look_ahead` and `adaptive_idle_timeout`: each an optional block of the policy.
@Suite struct ResponsePolicyConfig {
    private func withBlocks(_ fixture: ConfigFixture, _ blocks: String) -> String {
        fixture.validYAML().replacing("max_replicas: 10", with: "max_replicas: 10\n" + blocks)
    }

    @Test func theBlocksAreReadWithTheirDefaultsAndShownByCheck() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let config = try fixture.load(withBlocks(fixture, """
              burst: {}
              look_ahead: { cold_start: 45s }
              adaptive_idle_timeout: { max: 20m, coverage: 0.8 }
        """))
        let policy = config.endpoints[0].policy
        #expect(policy.burst == BurstPolicy(window: 10, threshold: 2, hold: 60))
        #expect(policy.lookAhead == LookAheadPolicy(window: 60, assumedColdStart: 45))
        #expect(policy.adaptiveIdle == AdaptiveIdlePolicy(minimum: 30, maximum: 1_200, coverage: 0.8))
        let summary = ConfigSummary.text(of: config)
        #expect(summary.contains("burst: window 10s, threshold 2x ready workers, hold 1m"))
        #expect(summary.contains("look_ahead: trend over 1m, cold start 45s until measured, utilization 100%"))
        #expect(summary.contains("adaptive_idle_timeout: 30s...20m, covering 80% of idle gaps"))
        #expect(config.endpoints[1].policy.burst == nil, "off unless configured")
    }

    @Test func everyBadValueIsNamedByItsKeyPath() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let issues = try fixture.issues(withBlocks(fixture, """
              burst: { threshold: 1, hold: -5s, windw: 5s }
              look_ahead: { window: 0s, utilization: 1.5 }
              adaptive_idle_timeout: { min: 10m, max: 5m, coverage: 1.5 }
        """))
        let paths = issues.map(\.keyPath)
        #expect(paths.contains("endpoints[0].policy.burst.threshold"))
        #expect(paths.contains("endpoints[0].policy.burst.hold"))
        #expect(paths.contains("endpoints[0].policy.burst.windw"))
        #expect(paths.contains("endpoints[0].policy.look_ahead.window"))
        #expect(paths.contains("endpoints[0].policy.look_ahead.utilization"))
        #expect(paths.contains("endpoints[0].policy.adaptive_idle_timeout.coverage"))
        #expect(issues.first { $0.keyPath == "endpoints[0].policy.burst.threshold" }?.message == "must be greater than 1, got 1")
    }

    @Test func anAdaptiveMaximumBelowItsMinimumIsRefused() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let issues = try fixture.issues(withBlocks(fixture, "      adaptive_idle_timeout: { min: 10m, max: 5m }"))
        #expect(issues.map(\.keyPath) == ["endpoints[0].policy.adaptive_idle_timeout.max"])
        #expect(issues.first?.message == "max 5m is below min 10m")
    }
}
