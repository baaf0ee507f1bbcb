import Foundation
import ScalerCore
@testable import ScalerDaemon
import ScalerJournal
import Testing

/// The shipped alert rules: valid for Prometheus, firing when they should (promtool's own rule
/// tests), and written against series the daemon really exports.
@Suite struct ShippedAlertRules {
    private static let monitoring = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("monitoring")

    private func promtool(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.environment["PROMTOOL_BINARY"] ?? "/usr/bin/promtool")
        process.arguments = arguments
        process.currentDirectoryURL = Self.monitoring
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    @Test func theRulesAreValidAndEachAlertFiresWhenItShouldAndNotBefore() throws {
        let check = try promtool(["check", "rules", "scalerd-alerts.yml"])
        #expect(check.status == 0, "\(check.output)")
        let tests = try promtool(["test", "rules", "scalerd-alerts.test.yml"])
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
        let exposition = metrics.registry.emitToString()
        for series in named {
            #expect(exposition.contains("\n\(series){") || exposition.contains("\n\(series) ") || exposition.hasPrefix(series), "\(series) is not exported")
        }
        #expect(exposition.contains(#"scalerd_build_info{version="\#(ScalerdVersion.current)"} 1"#))
    }
}
