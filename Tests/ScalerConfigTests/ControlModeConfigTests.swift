import ScalerConfig
import ScalerCore
import Testing

@Suite struct ControlModeConfig {
    private let pool = """
          - name: pool
            provider: gg
            id: pool
            instance: { gpu_name: G40-24G, gpu_num: 1, image_id: torch2.1.1-cuda12.1.0-py3.10, sku_name: payg }
            metrics: { source: push }
            policy: { type: concurrency, value: 1, max_replicas: 3 }
        """

    private func withPool(_ fixture: ConfigFixture, control: String? = nil) -> String {
        let policy = control.map { "policy: { type: concurrency, value: 1, max_replicas: 3, control: \($0) }" }
        return fixture.validYAML()
            .replacing("  - name: rp\n", with: "  - name: gg\n    kind: gpugeek\n    api_key: env:TEST_RUNPOD_KEY\n  - name: rp\n")
            + "\n" + (policy.map { pool.replacing("policy: { type: concurrency, value: 1, max_replicas: 3 }", with: $0) } ?? pool)
    }

    @Test func endpointsWithAProviderScalerDefaultToFloorAndPoolsToExact() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let config = try fixture.load(withPool(fixture))
        #expect(config.endpoints.map(\.policy.control) == [.floor, .floor, .exact])
    }

    @Test func aPolicyChoosesExactAndThatIsANewPolicyVersion() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let before = try fixture.load(fixture.validYAML())
        let after = try fixture.load(fixture.validYAML().replacing("      value: 2.5\n", with: "      value: 2.5\n      control: exact\n"))
        #expect(after.endpoints.map(\.policy.control) == [.floor, .exact])
        #expect(before.endpoints[0].policyVersion == after.endpoints[0].policyVersion)
        #expect(before.endpoints[1].policyVersion != after.endpoints[1].policyVersion, "it changes what the provider may do")
    }

    @Test func floorOnAProviderWithNoScalerOfItsOwnIsRefused() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let issues = try fixture.issues(withPool(fixture, control: "floor"))
        #expect(issues.map(\.keyPath) == ["endpoints[2].policy.control"], "\(issues)")
        #expect(issues.first?.message.contains("gpugeek has no scaler of its own") == true, "\(issues)")
        #expect(try fixture.load(withPool(fixture, control: "exact")).endpoints.last?.policy.control == .exact)
    }

    @Test func anUnknownModeIsRefusedWithTheChoices() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let issues = try fixture.issues(fixture.validYAML().replacing("      value: 2.5\n", with: "      value: 2.5\n      control: exat\n"))
        #expect(issues.map(\.keyPath) == ["endpoints[1].policy.control"])
        #expect(issues.first?.message.contains("did you mean 'exact'?") == true, "\(issues)")
    }
}
