import Foundation
import Logging
import ScalerConfig
@testable import ScalerDaemon
import ScalerJournal
import ScalerProviders
import ScalerTestSupport
import Testing

/// The control loop (`ScalerService`) in process, ticking on a manual clock: ticks come when the
/// clock says, a tick that comes while another runs is dropped, and a reload lands between ticks.
@Suite struct ControlLoop {
    private func config(maxReplicas: Int) -> String {
        """
        tick: 5s
        journal: { path: journal.sqlite }
        providers: [{ name: sim, kind: simulated }]
        endpoints:
          - { name: chat, provider: sim, id: c1, policy: { type: concurrency, value: 1, max_replicas: \(maxReplicas) } }
        """
    }

    @Test func ticksComeOnTheLoopsClockAndAReloadLandsBetweenThem() async throws {
        let directory = try scratchDirectory("loop")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("scalerd.yaml").path
        try config(maxReplicas: 4).write(toFile: path, atomically: true, encoding: .utf8)
        let loader = ConfigLoader(catalog: ProviderModules.catalog, workingDirectory: directory.path)
        let initial = try loader.load(file: path)
        let journal = try Journal(path: initial.journal.path!)
        let status = DaemonStatus(config: initial)
        let clock = ManualClock()
        let ticker = ClockTicker(clock: clock)
        let reloads = ReloadCoordinator(wake: { ticker.wake() })
        let service = ScalerService(
            configPath: path, initialConfig: initial, journal: journal, status: status, metrics: DaemonMetrics(), timer: ticker,
            reloads: reloads, factory: RuntimeFactory(http: sharedTestClient, clock: { Date() }), loader: loader,
            logger: Logger(label: "test"), clock: { Date() }, notifier: SystemdNotifier(environment: [:]),
            probe: ConfigProbe(executable: "/bin/true")
        )
        let running = Task { try await service.run() }
        func ticks() async -> Int { await status.ticks }
        func settle(until condition: () async -> Bool) async {
            for _ in 0..<2_000 where !(await condition()) { try? await Task.sleep(for: .milliseconds(1)) }
        }

        await settle { await ticks() == 1 }
        #expect(await ticks() == 1, "the first tick comes at once")
        await clock.waitForSleepers()
        clock.advance(by: .milliseconds(4_999))
        #expect(await ticks() == 1)
        clock.advance(by: .milliseconds(1))
        await settle { await ticks() == 2 }
        #expect(await ticks() == 2, "the next one when the loop's clock says so")

        try config(maxReplicas: 7).write(toFile: path, atomically: true, encoding: .utf8)
        let outcome = await reloads.requestAndWait()
        #expect(outcome.applied && outcome.configGeneration == 2)
        #expect(await ticks() == 2, "a reload wakes the loop without a tick")

        await clock.waitForSleepers()
        clock.advance(by: .seconds(5))
        await settle { await ticks() == 3 }
        let rows = try JournalReader(path: initial.journal.path!).entries(JournalQuery())
        #expect(Set(rows.map(\.policyVersion)).count == 2, "the tick after the reload ran on the new policy")
        running.cancel()
        _ = try? await running.value
    }
}
