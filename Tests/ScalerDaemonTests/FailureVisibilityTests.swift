import Foundation
import Logging
@testable import ScalerDaemon
import ScalerHTTP
import ScalerJournal
import ScalerTestSupport
import Synchronization
import Testing

/// A failing provider or metric source is loud and typed: journalled with its kind, warned about
/// (once, then summarised), counted by provider and kind, and in `journal stats`.
@Suite struct FailureVisibility {
    /// Log lines as the JSON handler writes them, for assertions.
    final class Lines: Sendable {
        private let lines = Mutex<[[String: String]]>([])
        var all: [[String: String]] { lines.withLock { $0 } }

        var logger: Logger {
            var logger = Logger(label: "scalerd") { label in
                JSONLogHandler(label: label) { data in
                    if let object = try? JSONSerialization.jsonObject(with: data) as? [String: String] { self.lines.withLock { $0.append(object) } }
                }
            }
            logger.logLevel = .info
            return logger
        }
    }

    @Test func aWrongKeyEverywhereIsJournalledWarnedCountedAndInStats() async throws {
        let state = FakeProviderState(endpoints: ["ep-1": FakeEndpointsV2.endpoint(id: "ep-1")])
        let gateway = FakeProviderState(endpoints: [:])
        await gateway.setHealth("ep-1-app", ["jobs": ["inQueue": 0, "inProgress": 0], "workers": ["idle": 1, "running": 0]])
        try await withFakeServer(FakeEndpointsV2.router(state)) { baseURL in
            try await withFakeServer(FakeRunPodREST.router(gateway, healthKey: FakeEndpointsV2.apiKey)) { gatewayURL in
                let lines = Lines()
                let metrics = DaemonMetrics()
                let clock = TestClock(start: Date(timeIntervalSince1970: 1_800_000_000))
                var harness = try await ControllerHarness(yaml: """
                    tick: 5s
                    providers:
                      - { name: ppio-prod, kind: ppio, base_url: "\(baseURL)", health_base_url: "\(gatewayURL)", api_key: env:KEY, rate_limit: 100 }
                    endpoints:
                      - name: chat
                        provider: ppio-prod
                        id: ep-1
                        metrics: { source: provider, gateway_name: ep-1-app }
                        policy: { type: queue, value: 2, min_replicas: 1, max_replicas: 4 }
                    """, environment: ["KEY": "sk_wrong_key_404"], clock: clock, logger: lines.logger, metrics: metrics)
                defer { harness.remove() }
                for _ in 0..<15 {
                    await harness.tick()
                    clock.advance(5)
                }
                let rows = try harness.rows()
                #expect(rows.allSatisfy { $0.errorKind == .unauthorized && $0.outcome == .skipped })
                #expect(rows.allSatisfy { $0.metricErrorKind == .unauthorized })
                let warnings = lines.all.filter { $0["level"] == "warning" }
                #expect(warnings.count == 4, "the first of each (provider, metrics), then one summary each after a minute: \(warnings.map { $0["msg"] ?? "" })")
                #expect(warnings.contains { $0["msg"]?.hasPrefix("provider failure: unauthorized") == true && $0["endpoint"] == "chat" })
                #expect(warnings.contains { $0["msg"]?.hasPrefix("metrics still failing: unauthorized") == true })
                #expect(!lines.all.contains { ($0["msg"] ?? "").contains("sk_wrong_key_404") })
                let exposition = String(decoding: metrics.exposition(), as: UTF8.self)
                #expect(exposition.contains(#"scalerd_provider_errors_total{provider="ppio-prod",kind="unauthorized"} 15"#))
                #expect(exposition.contains(#"kind="unauthorized""#) && exposition.contains("scalerd_metric_errors_total"))
                let stats = EndpointStats.compute(rows, from: nil, to: clock.now)
                #expect(stats.first?.errors == ["unauthorized": 15, "metrics_unauthorized": 15])
            }
        }
    }

    @Test func aProviderFailingFastIsJournalledAsItsFailureNotAsTheTicksDeadline() async throws {
        let state = FakeProviderState(endpoints: ["ep-1": FakeEndpointsV2.endpoint(id: "ep-1", min: 1, max: 4)])
        let metrics = FakeProviderState(endpoints: [:])
        await metrics.setHealth("ep-1", ["queue": ["waiting": 6, "running": 2]])
        try await withFakeServer(FakeEndpointsV2.router(state)) { baseURL in
            try await withFakeServer(FakeMetrics.router(metrics)) { metricsURL in
                // The tick's deadlines on a clock that does not move: what is under test is how a
                // prompt failure is told, and a loaded machine (real-time deadlines failed here
                // at a 1 s tick and again at 3 s) must not turn it into the deadline's timeout.
                let yaml = "tick: 3s\n" + FakeEndpointsV2.config(
                    providerURL: baseURL, metricsURL: metricsURL, policy: "{ type: concurrency, value: 2, min_replicas: 1, max_replicas: 4 }"
                )
                var harness = try await ControllerHarness(
                    yaml: yaml, environment: ["KEY": FakeEndpointsV2.apiKey], clock: TestClock(start: Date(timeIntervalSince1970: 1_800_000_000)),
                    deadlines: ManualClock()
                )
                defer { harness.remove() }
                // The read passes, the apply's read passes, then every attempt at the update is a prompt 500.
                await state.inject(.pass, .pass)
                for _ in 0..<20 { await state.inject(.status(500, body: #"{"code":500,"message":"internal"}"#)) }
                await harness.tick()
                let row = try #require(try harness.rows().first)
                #expect(row.action == .scaleUp && row.pushed, "\(row.reason) \(row.errorMessage ?? "")")
                #expect(row.errorKind == .unavailable, "\(row.errorMessage ?? "")")
                #expect(row.errorMessage?.contains("answered 500") == true)
            }
        }
    }
}
