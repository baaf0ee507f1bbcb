import ScalerConfig
import ScalerCore
import Testing

@Suite struct PolicyEditing {
    @Test func theTunedKnobsReplaceTheirKeysAndEverythingElseStays() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let text = fixture.validYAML()
        var policy = try #require(try fixture.load(text).endpoints.first?.policy)
        policy.value = 0.5
        policy.minReplicas = 2
        policy.fallback?.replicas = 2
        policy.control = .exact
        policy.idleTimeout = 30
        policy.scaleDown.stabilization = 120
        policy.lookAhead = LookAheadPolicy()
        let edited = try PolicyEditor.applying(policy, toEndpoint: "chat-llm", in: text, file: "scalerd.yaml")
        let config = try fixture.load(edited.file)
        let tuned = try #require(config.endpoints.first?.policy)
        #expect(tuned.value == 0.5 && tuned.minReplicas == 2 && tuned.control == .exact && tuned.idleTimeout == 30)
        #expect(tuned.scaleDown.stabilization == 120 && tuned.scaleDown.maxStep == 2, "the window's other keys stay")
        #expect(tuned.lookAhead == LookAheadPolicy())
        #expect(tuned.fallback == FallbackPolicy(afterFailures: 3, replicas: 2), "a fallback is never below the floor")
        #expect(config.endpoints.last == (try fixture.load(text)).endpoints.last, "other endpoints are untouched")
        #expect(edited.policyBlock.hasPrefix("policy:\n") && edited.policyBlock.contains("control: exact"))
    }

    @Test func aKnobTheTuningTurnedOffIsRemoved() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let text = fixture.validYAML().replacing("      max_concurrent_per_worker: 1\n", with: "      max_concurrent_per_worker: 1\n      look_ahead: {}\n      adaptive_idle_timeout: {}\n")
        var policy = try #require(try fixture.load(text).endpoints.first?.policy)
        #expect(policy.lookAhead != nil && policy.adaptiveIdle != nil)
        policy.lookAhead = nil
        policy.adaptiveIdle = nil
        let tuned = try fixture.load(try PolicyEditor.applying(policy, toEndpoint: "chat-llm", in: text, file: "f").file).endpoints.first?.policy
        #expect(tuned?.lookAhead == nil && tuned?.adaptiveIdle == nil)
    }

    @Test func anEndpointNotInTheFileIsNamed() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let policy = ScalingPolicy(type: .queue, value: 2, maxReplicas: 4)
        #expect(throws: PolicyEditor.EditError.self) {
            try PolicyEditor.applying(policy, toEndpoint: "nope", in: fixture.validYAML(), file: "scalerd.yaml")
        }
    }
}
