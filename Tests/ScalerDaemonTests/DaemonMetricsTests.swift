import Foundation
import ScalerCore
import ScalerPorts
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

    @Test func learnedTimingsAreExposedAndUnknownOnesAreNaN() {
        let metrics = DaemonMetrics()
        let learned = [
            "llm": LearnedTimings(coldStart: 34, serviceTime: 4.25, idleTimeout: 95),
            "new": LearnedTimings(coldStart: nil, serviceTime: nil, idleTimeout: 300),
            "slo": LearnedTimings(coldStart: 30, serviceTime: 4, idleTimeout: 30, overTargetShare: 0.013, headroomScale: 1.25),
        ]
        metrics.recordTick([], learned: learned, duration: .milliseconds(3), journalWrite: nil, at: Date())
        let text = metrics.registry.emitToString()
        #expect(text.contains(#"scalerd_endpoint_cold_start_seconds{endpoint="llm"} 34.0"#))
        #expect(text.contains(#"scalerd_endpoint_service_time_seconds{endpoint="llm"} 4.25"#))
        #expect(text.contains(#"scalerd_endpoint_idle_timeout_seconds{endpoint="llm"} 95.0"#))
        #expect(text.contains(#"scalerd_endpoint_cold_start_seconds{endpoint="new"} nan"#))
        #expect(text.contains(#"scalerd_endpoint_slo_over_target_ratio{endpoint="slo"} 0.013"#))
        #expect(text.contains(#"scalerd_endpoint_slo_headroom_scale_ratio{endpoint="slo"} 1.25"#))
        #expect(!text.contains(#"scalerd_endpoint_slo_headroom_scale_ratio{endpoint="llm"}"#), "no SLO, no series")
    }
}
