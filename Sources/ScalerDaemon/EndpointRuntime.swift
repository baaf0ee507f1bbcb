import Foundation
import ScalerConfig
import ScalerCore
import ScalerPorts

/// One configured endpoint with the provider and metric source that serve it. A class: every
/// phase of every tick passes it along, and copying its config each time showed in profiles.
final class EndpointRuntime: Sendable {
    let config: EndpointConfig
    /// The endpoint as its provider's client needs it.
    let target: EndpointTarget
    let provider: any Provider
    /// The provider API's documented ranges, which every push is put within.
    let limits: SettingLimits
    let metrics: any MetricSource
    let policyVersion: String
    /// The effective configuration behind `policyVersion`, as the journal records it.
    let configJSON: String

    init(config: EndpointConfig, provider: any Provider, limits: SettingLimits, metrics: any MetricSource) {
        self.config = config
        target = EndpointTarget(id: config.id, pool: config.instance.map { PoolSpec(template: $0, maxCreatesPerApply: config.policy.scaleUp.maxStep) })
        self.provider = provider
        self.limits = limits
        self.metrics = metrics
        configJSON = config.canonicalJSON
        policyVersion = PolicyFingerprint.of(configJSON)
    }
}

extension [EndpointRuntime] {
    /// Each endpoint's policy version, as its runtime computed it.
    var policyVersions: [String: String] {
        Dictionary(map { ($0.config.name, $0.policyVersion) }) { first, _ in first }
    }
}
