import Foundation
import Logging
import ScalerConfig
import ScalerCore
import ScalerJournal
import ScalerPorts
import ScalerProviders
import ScalerTestSupport
import Testing
@testable import ScalerDaemon

/// What a tick does at the providers when high availability says it may not, or no longer may.
@Suite struct StandbyTick {
    private func row(acting: Acting) async throws -> JournalEntry {
        let directory = try scratchDirectory("standby")
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = try ConfigLoader(catalog: ProviderModules.catalog, workingDirectory: directory.path).parse("""
            tick: 4s
            journal: { path: journal.sqlite }
            providers: [{ name: demo, kind: simulated }]
            endpoints:
              - { name: only, provider: demo, id: o, policy: { type: concurrency, value: 1, max_replicas: 8 } }
            """, file: "test.yaml")
        let refusing = ScriptedProvider(replicas: 1, applyError: .init(.unavailable, "must not be called"))
        let runtime = EndpointRuntime(config: config.endpoints[0], provider: refusing, limits: .anything, metrics: FixedMetrics(inFlight: 4))
        var controller = Controller(config: config, runtimes: [runtime], journal: try Journal(path: config.journal.path!), logger: Logger(label: "test"), clock: { Date() })
        await controller.tick(acting: acting)
        return try #require(try JournalReader(path: config.journal.path!).entries(JournalQuery()).first)
    }

    @Test func aStandbyDecidesAndJournalsWhyButNeverPushes() async throws {
        let row = try await row(acting: .standby("standby: host-b/41/9f3a (epoch 2) leads"))
        #expect(row.action == .scaleUp && row.desired == 4, "it decides as the leader would, so that it is warm when it takes over")
        #expect(row.outcome == .standby && !row.pushed)
        #expect(row.errorMessage == "standby: host-b/41/9f3a (epoch 2) leads")
        #expect(JournalExplanation.text(row).contains("nothing pushed: this instance was on standby: host-b/41/9f3a (epoch 2) leads"))
    }

    @Test func aLeaderWhoseActingTimeRanOutDuringTheTickStartsNoPush() async throws {
        let row = try await row(acting: .leader(epoch: 3, window: ActingWindow(.zero, clock: ManualClock())))
        #expect(row.action == .scaleUp && !row.pushed)
        #expect(row.outcome == .skipped && row.errorKind == .timeout)
        #expect(row.errorMessage == "not pushed: this instance's lease left it 0s to act, and that ran out first")
    }
}
