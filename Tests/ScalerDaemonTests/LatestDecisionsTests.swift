import Foundation
import ScalerCore
@testable import ScalerDaemon
import ScalerJournal
import Testing

/// The admin API's latest row per endpoint, whatever set of endpoints each tick hands over.
@Suite struct LatestDecisionsKept {
    private func row(_ endpoint: String, desired: Int) -> JournalEntry {
        let now = Date()
        let decision = Decision(
            at: now, currentReplicas: 2, metricStatus: .fresh, metricAge: 0, rawRecommendation: desired, clamps: [],
            desiredReplicas: desired, action: .scaleUp, reason: "test", nextState: ScalerState()
        )
        return JournalEntry(
            decision: decision, observation: Observation(metrics: .sample(MetricSample(takenAt: now, inFlight: 3)), currentReplicas: 2),
            endpoint: endpoint, provider: "sim", mode: "enforce", policyVersion: "v1", outcome: .applied, providerLatency: nil
        )
    }

    @Test func eachTickReplacesTheRowsOfTheEndpointsItCovers() {
        var latest = LatestDecisions()
        latest.record([row("a", desired: 1), row("b", desired: 1), row("c", desired: 1)])
        latest.record([row("a", desired: 2), row("b", desired: 2), row("c", desired: 2)])
        #expect(["a", "b", "c"].map { latest[$0]?.desired } == [2, 2, 2])
        latest.record([row("b", desired: 3)])
        #expect(["a", "b", "c"].map { latest[$0]?.desired } == [2, 3, 2], "endpoints a tick did not cover keep their row")
        latest.record([row("c", desired: 4), row("a", desired: 4), row("b", desired: 4)])
        #expect(["a", "b", "c"].map { latest[$0]?.desired } == [4, 4, 4])
        #expect(latest["d"] == nil)
    }

    @Test func aReloadDropsTheRemovedEndpoints() {
        var latest = LatestDecisions()
        latest.record([row("a", desired: 1), row("b", desired: 1)])
        latest.keep(["b"])
        #expect(latest["a"] == nil)
        #expect(latest["b"]?.desired == 1)
    }
}
