import ScalerConfig
import ScalerCore
import Testing

@Suite struct OnStopConfig {
    private let pool = """
          - name: pool
            provider: gg
            id: pool
            instance: { gpu_name: G40-24G, gpu_num: 1, image_id: torch2.1.1-cuda12.1.0-py3.10, sku_name: payg }
            metrics: { source: push }
            policy: { type: concurrency, value: 1, max_replicas: 3 }
        """

    private func withPool(_ fixture: ConfigFixture) -> String {
        fixture.validYAML()
            .replacing("  - name: rp\n", with: "  - name: gg\n    kind: gpugeek\n    api_key: env:TEST_RUNPOD_KEY\n  - name: rp\n")
            + "\n" + pool
    }

    @Test func serverlessEndpointsAreReleasedAndPoolsHeldByDefault() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let config = try fixture.load(withPool(fixture))
        #expect(config.endpoints.map(\.onStop) == [.release, .release, .hold], "a pool has no scaler but scalerd to bring it back")
    }

    @Test func anEndpointsOwnSettingWinsOverTheGlobalOne() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let yaml = "on_stop: hold\n" + withPool(fixture).replacing("    id: abc123\n", with: "    id: abc123\n    on_stop: release\n")
        let config = try fixture.load(yaml)
        #expect(config.endpoints.map(\.onStop) == [.hold, .release, .hold])
        let released = try fixture.load("on_stop: release\n" + withPool(fixture))
        #expect(released.endpoints.last?.onStop == .release, "a pool is released when the operator says so")
    }

    @Test func onStopIsNotPartOfThePolicyVersion() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let before = try fixture.load(fixture.validYAML())
        let after = try fixture.load("on_stop: hold\n" + fixture.validYAML())
        #expect(before.endpoints.map(\.policyVersion) == after.endpoints.map(\.policyVersion), "where the floor is left at a stop shapes no decision")
        #expect(before.version != after.version, "the file's version still changes")
    }

    @Test func anUnknownValueIsRefusedWithTheChoices() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let issues = try fixture.issues("on_stop: releas\n" + fixture.validYAML())
        #expect(issues.map(\.keyPath) == ["on_stop"])
        #expect(issues.first?.message.contains("did you mean 'release'?") == true, "\(issues)")
        let endpointIssues = try fixture.issues(fixture.validYAML().replacing("    id: abc123\n", with: "    id: abc123\n    on_stop: keep\n"))
        #expect(endpointIssues.map(\.keyPath) == ["endpoints[1].on_stop"], "\(endpointIssues)")
    }
}
