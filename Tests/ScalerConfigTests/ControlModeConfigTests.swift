import ScalerConfig
import ScalerCore
import Testing

@Suite struct ControlModeConfig {
    @Test func endpointsWithAProviderScalerDefaultToFloorAndPoolsToExact() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let config = try fixture.load(fixture.validYAMLWithPool())
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
        let issues = try fixture.issues(fixture.validYAMLWithPool(policy: "{ type: concurrency, value: 1, max_replicas: 3, control: floor }"))
        #expect(issues.map(\.keyPath) == ["endpoints[2].policy.control"], "\(issues)")
        #expect(issues.first?.message.contains("gpugeek has no scaler of its own") == true, "\(issues)")
        #expect(try fixture.load(fixture.validYAMLWithPool(policy: "{ type: concurrency, value: 1, max_replicas: 3, control: exact }")).endpoints.last?.policy.control == .exact)
    }

    @Test func anUnknownModeIsRefusedWithTheChoices() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let issues = try fixture.issues(fixture.validYAML().replacing("      value: 2.5\n", with: "      value: 2.5\n      control: exat\n"))
        #expect(issues.map(\.keyPath) == ["endpoints[1].policy.control"])
        #expect(issues.first?.message.contains("did you mean 'exact'?") == true, "\(issues)")
    }
}
