import Foundation
@testable import ScalerDaemon
@testable import ScalerJournal
import ScalerTestSupport
import Testing

/// A journal that cannot be written never costs a decision without a trace: rows wait in a
/// bounded buffer, and past it scalerd stops acting, says so, and writes gap rows once it can.
@Suite struct JournalOutage {
    @Test func aFullDiskStopsActingPastTheBufferAndEveryEvaluationIsAccountedForAfter() async throws {
        let state = FakeProviderState(endpoints: ["ep-1": FakeEndpointsV2.endpoint(id: "ep-1", min: 1, max: 10)])
        let metrics = FakeProviderState(endpoints: [:])
        try await withFakeServer(FakeEndpointsV2.router(state)) { baseURL in
            try await withFakeServer(FakeMetrics.router(metrics)) { metricsURL in
                let clock = TestClock(start: Date(timeIntervalSince1970: 1_800_000_000))
                let yaml = "tick: 5s\n" + FakeEndpointsV2.config(
                    providerURL: baseURL, metricsURL: metricsURL, policy: "{ type: concurrency, value: 1, max_replicas: 10, scale_down: { stabilization: 0s } }"
                )
                var harness = try await ControllerHarness(yaml: yaml, environment: ["KEY": FakeEndpointsV2.apiKey], clock: clock, journalBuffer: 3)
                defer { harness.remove() }
                // A load that moves every tick, so that no decision repeats the one before.
                var ticks = 0
                func tick() async {
                    await metrics.setHealth("ep-1", ["queue": ["waiting": 0, "running": ticks.isMultiple(of: 2) ? 2 : 5]])
                    await harness.tick()
                    ticks += 1
                    clock.advance(5)
                }
                await tick()
                // The file may not grow: once its last free space is used, writes fail (SQLITE_FULL).
                try harness.journal.limitGrowth(extraPages: 0)
                while await harness.status.journalProblem == nil, ticks < 200 { await tick() }
                #expect(await harness.status.journalProblem != nil, "three rows wait: the buffer is full")
                let writesBefore = await state.writes().count
                for _ in 0..<6 { await tick() }
                #expect(await state.writes().count == writesBefore, "nothing is pushed while nothing can be recorded")
                try harness.journal.limitGrowth(extraPages: nil)
                await tick()
                #expect(await harness.status.journalProblem == nil)

                let rows = try harness.rows()
                #expect(rows.reduce(0) { $0 + $1.repeats } == ticks, "every evaluation is a row, a repeat or in a gap row")
                let gap = try #require(rows.first { $0.metricErrorKind == .journalUnavailable })
                #expect(gap.repeats == 6 && gap.errorKind == .journalUnavailable && !gap.pushed)
                #expect(gap.reason.contains("6 evaluation(s)") && gap.reason.contains("nothing was acted on meanwhile"))
                let verification = try JournalReader(path: harness.config.journal.path!).verify()
                #expect(verification.problem == nil)
                #expect(verification.gaps.map(\.evaluations) == [6])
                let stats = EndpointStats.compute(rows, from: nil, to: clock.now)
                #expect(stats.first?.errors["journal_unavailable"] == 6)
            }
        }
    }
}
