import Foundation
@testable import ScalerDaemon
import Testing

@Suite struct MetricsExposition {
    @Test func providerRequestsAreCountedByAnswer() {
        let metrics = DaemonMetrics()
        metrics.recordProviderRequest(provider: "rp", method: "GET", status: 200)
        metrics.recordProviderRequest(provider: "rp", method: "GET", status: 200)
        metrics.recordProviderRequest(provider: "rp", method: "PATCH", status: nil)
        let text = metrics.registry.emitToString()
        #expect(text.contains(#"scalerd_provider_requests_total{provider="rp",method="GET",code="200"} 2"#))
        #expect(text.contains(#"scalerd_provider_requests_total{provider="rp",method="PATCH",code="none"} 1"#))
    }
}
