import Foundation
import ScalerCore
@testable import ScalerDaemon
import ScalerJournal
import ScalerTestSupport
import Testing

/// The shipped alert rules: valid for Prometheus, firing when they should (promtool's own rule
/// tests), and written against series the daemon really exports.
extension ChildProcesses {
    @Suite struct ShippedAlertRules {
        private static let monitoring = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("monitoring")

        private func promtool(_ arguments: [String]) async throws -> (status: Int32, output: String) {
            let binary = URL(fileURLWithPath: ProcessInfo.processInfo.environment["PROMTOOL_BINARY"] ?? "/usr/bin/promtool")
            let result = try await ChildProcess.run(binary, arguments, in: Self.monitoring, mergingStderr: true)
            return (result.status, result.stdout)
        }

        @Test func theRulesAreValidAndEachAlertFiresWhenItShouldAndNotBefore() async throws {
            let check = try await promtool(["check", "rules", "scalerd-alerts.yml"])
            #expect(check.status == 0, "\(check.output)")
            let tests = try await promtool(["test", "rules", "scalerd-alerts.test.yml"])
            #expect(tests.status == 0, "\(tests.output)")
        }

        @Test func everySeriesTheRulesReadIsOneTheDaemonExports() throws {
            let rules = try String(contentsOf: Self.monitoring.appendingPathComponent("scalerd-alerts.yml"), encoding: .utf8)
            let named = Set(rules.matches(of: /scalerd_[a-z_]+/).map { String($0.output) })
            #expect(named.count >= 5, "\(named)")

            let metrics = DaemonMetrics()
            metrics.recordStart(at: Date(), tick: 5)
            metrics.recordJournal(waiting: 0, unavailable: false, lost: 0)
            let decision = Decision(
                at: Date(), currentReplicas: 1, metricStatus: .fresh, metricAge: 0, rawRecommendation: 1, clamps: [],
                desiredReplicas: 1, action: .hold, reason: "hold", nextState: ScalerState()
            )
            let refused = JournalEntry(
                decision: decision, observation: Observation(metrics: .failure(.timeout, "x"), currentReplicas: 1), endpoint: "chat", provider: "runpod",
                mode: "enforce", policyVersion: "v1", outcome: .failed(kind: .unauthorized, message: "401"), providerLatency: nil
            )
            metrics.recordTick([refused], duration: .milliseconds(1), journalWrite: nil, at: Date())
            let exposition = String(decoding: metrics.exposition(), as: UTF8.self)
            for series in named {
                #expect(exposition.contains("\n\(series){") || exposition.contains("\n\(series) ") || exposition.hasPrefix(series), "\(series) is not exported")
            }
            #expect(exposition.contains(#"scalerd_build_info{version="\#(ScalerdVersion.current)"} 1"#))
        }
    }
}
