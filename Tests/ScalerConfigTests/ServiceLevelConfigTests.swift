import ScalerConfig
import ScalerCore
import Testing

/// `policy.slo`: the objective in the operator's terms, and the knobs it takes over.
@Suite struct ServiceLevelConfig {
    /// The second endpoint (a concurrency policy with no release knobs set) with `slo` added.
    private func withSLO(_ fixture: ConfigFixture, _ slo: String, type: String = "concurrency") -> String {
        fixture.validYAML().replacing("      max_replicas: 3", with: "      max_replicas: 3\n      slo: \(slo)")
            .replacing("      type: concurrency\n      value: 2.5", with: "      type: \(type)\n      value: 2.5")
    }

    @Test func theObjectiveIsReadWithItsDefaultsAndShownByCheck() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let config = try fixture.load(withSLO(fixture, "{ over_target: 1%, wait: 3s }"))
        let policy = config.endpoints[1].policy
        #expect(policy.slo == ServiceLevelObjective(wait: 3, overTarget: 0.01, window: 3600, assumedColdStart: 30))
        #expect(policy.idleTimeout == 30, "the provider keeps a worker it added for one cold start too")
        let summary = ConfigSummary.text(of: config)
        #expect(summary.contains("slo: at most 1% of requests waiting longer than 3s, per 1h"))
        #expect(summary.contains("scale_down: released by the slo; max_step unlimited"))
        #expect(config.endpoints[0].policy.slo == nil, "off unless configured")
    }

    @Test func aQueuePolicysWaitIsItsValue() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let config = try fixture.load(withSLO(fixture, "{ over_target: 0.005, window: 30m, cold_start: 45s }", type: "queue"))
        #expect(config.endpoints[1].policy.slo == ServiceLevelObjective(wait: 2.5, overTarget: 0.005, window: 1800, assumedColdStart: 45))
        let issues = try fixture.issues(withSLO(fixture, "{ over_target: 1%, wait: 3s }", type: "queue"))
        #expect(issues.map(\.keyPath) == ["endpoints[1].policy.slo.wait"])
        #expect(issues.first?.message == "a queue policy's wait is its value (2.5s): remove slo.wait")
    }

    @Test func everyBadValueIsNamedByItsKeyPath() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let issues = try fixture.issues(withSLO(fixture, "{ over_target: 1, window: 1m, cold_start: -3s }"))
        #expect(issues.map(\.keyPath).sorted() == [
            "endpoints[1].policy.slo.cold_start", "endpoints[1].policy.slo.over_target", "endpoints[1].policy.slo.wait", "endpoints[1].policy.slo.window",
        ].sorted())
        #expect(issues.first { $0.keyPath.hasSuffix("over_target") }?.message == "expected a share such as 1% or 0.01, found '1'")
        #expect(issues.first { $0.keyPath.hasSuffix("window") }?.message == "must be between 5m and 24h: the share is measured over it")
        #expect(issues.first { $0.keyPath.hasSuffix("wait") }?.message == "missing required key 'wait'")
    }

    @Test func aShareOutsideTheMeasurableRangeIsRefused() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let issues = try fixture.issues(withSLO(fixture, "{ over_target: 60%, wait: 2s }"))
        #expect(issues.first?.message == "must be between 0.01% and 50%, got 60%")
    }

    @Test func hostileNumbersAreRefusedNotTrapped() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        for (slo, key) in [
            ("{ over_target: 9223372036854775808%, wait: 2s }", "over_target"), ("{ over_target: -7%, wait: 2s }", "over_target"),
            ("{ over_target: 1e308, wait: 2s }", "over_target"), ("{ over_target: 1%, window: 9223372036854775808s, wait: 2s }", "window"),
            ("{ over_target: 1%, window: 1e308s, wait: 2s }", "window"), ("{ over_target: 1%, cold_start: 2h, wait: 2s }", "cold_start"),
            ("{ over_target: 1%, cold_start: -7s, wait: 2s }", "cold_start"), ("{ over_target: 1%, wait: 1e308s }", "wait"),
        ] {
            let issues = try fixture.issues(withSLO(fixture, slo))
            #expect(issues.map(\.keyPath) == ["endpoints[1].policy.slo.\(key)"], "\(slo): \(issues)")
        }
    }

    @Test func releaseKnobsBesideAnSLOAreRefusedByName() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let text = fixture.validYAML().replacing("      max_concurrent_per_worker: 1\n", with: "      max_concurrent_per_worker: 1\n      slo: { over_target: 1% }\n")
        let issues = try fixture.issues(text)
        #expect(issues.map(\.keyPath) == ["endpoints[0].policy.slo"])
        #expect(issues.first?.message == "with slo, scalerd chooses when to release workers (one cold start, ski rental): remove idle_timeout and scale_down.stabilization, or remove slo to set them by hand")
    }
}
