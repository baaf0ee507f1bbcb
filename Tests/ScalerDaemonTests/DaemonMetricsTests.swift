import Foundation
import ScalerCore
import ScalerJournal
import ScalerPorts
@testable import ScalerDaemon
import Testing

@Suite struct MetricsExposition {
    @Test func providerRequestsAreCountedByAnswer() {
        let metrics = DaemonMetrics()
        metrics.recordProviderRequest(provider: "rp", method: "GET", status: 200)
        metrics.recordProviderRequest(provider: "rp", method: "GET", status: 200)
        metrics.recordProviderRequest(provider: "rp", method: "PATCH", status: nil)
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
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
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(text.contains(#"scalerd_endpoint_cold_start_seconds{endpoint="llm"} 34.0"#))
        #expect(text.contains(#"scalerd_endpoint_service_time_seconds{endpoint="llm"} 4.25"#))
        #expect(text.contains(#"scalerd_endpoint_idle_timeout_seconds{endpoint="llm"} 95.0"#))
        #expect(text.contains(#"scalerd_endpoint_cold_start_seconds{endpoint="new"} nan"#))
        #expect(text.contains(#"scalerd_endpoint_slo_over_target_ratio{endpoint="slo"} 0.013"#))
        #expect(text.contains(#"scalerd_endpoint_slo_headroom_scale_ratio{endpoint="slo"} 1.25"#))
        #expect(!text.contains(#"scalerd_endpoint_slo_headroom_scale_ratio{endpoint="llm"}"#), "no SLO, no series")
    }

    @Test func eachEndpointHasItsSeriesOnceAndLosesThemWhenARemovalIsApplied() {
        let metrics = DaemonMetrics()
        let quoted = "a\"b"
        let rows = [row(endpoint: "chat", action: .scaleUp), row(endpoint: quoted, action: .hold)]
        metrics.recordTick(rows, duration: .milliseconds(3), journalWrite: nil, at: Date())
        metrics.recordTick(rows, duration: .milliseconds(3), journalWrite: nil, at: Date())
        var text = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(text.contains(#"scalerd_decisions_total{endpoint="chat",action="scale_up"} 2"#))
        #expect(text.contains(#"scalerd_endpoint_desired_replicas{endpoint="a\"b"} 3.0"#), "label values escaped as the text format requires")
        #expect(text.components(separatedBy: "# TYPE scalerd_endpoint_desired_replicas gauge").count == 2, "one family header")
        metrics.keepEndpoints(["chat"])
        text = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(text.contains(#"scalerd_endpoint_desired_replicas{endpoint="chat"} 3.0"#))
        #expect(!text.contains(#"endpoint="a\"b""#), "a removed endpoint's series are gone")
    }

    private func row(endpoint: String, action: ScalingAction) -> JournalEntry {
        let now = Date()
        let decision = Decision(
            at: now, currentReplicas: 2, metricStatus: .fresh, metricAge: 0, rawRecommendation: 3, clamps: [],
            desiredReplicas: 3, action: action, reason: "test", nextState: ScalerState()
        )
        return JournalEntry(
            decision: decision, observation: Observation(metrics: .sample(MetricSample(takenAt: now, inFlight: 3)), currentReplicas: 2),
            endpoint: endpoint, provider: "sim", mode: "enforce", policyVersion: "v1", outcome: .applied, providerLatency: nil
        )
    }
}
