import Foundation
import ScalerConfig
import ScalerCore
import ScalerMetrics
import ScalerProviders

/// One configured endpoint with the provider and metric source that serve it.
struct EndpointRuntime: Sendable {
    let config: EndpointConfig
    let provider: any Provider
    let metrics: any MetricSource
    let policyVersion: String

    init(config: EndpointConfig, provider: any Provider, metrics: any MetricSource) {
        self.config = config
        self.provider = provider
        self.metrics = metrics
        policyVersion = config.policyVersion
    }
}
