import ScalerConfig
import ScalerCore
import Testing

@Suite struct OnStopConfig {
    @Test func serverlessEndpointsAreReleasedAndPoolsHeldByDefault() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let config = try fixture.load(fixture.validYAMLWithPool())
        #expect(config.endpoints.map(\.onStop) == [.release, .release, .hold], "a pool has no scaler but scalerd to bring it back")
    }

    @Test func anEndpointsOwnSettingWinsOverTheGlobalOne() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let yaml = "on_stop: hold\n" + fixture.validYAMLWithPool().replacing("    id: abc123\n", with: "    id: abc123\n    on_stop: release\n")
        let config = try fixture.load(yaml)
        #expect(config.endpoints.map(\.onStop) == [.hold, .release, .hold])
        let released = try fixture.load("on_stop: release\n" + fixture.validYAMLWithPool())
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
