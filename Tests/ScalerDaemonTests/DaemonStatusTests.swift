import Foundation
import ScalerConfig
import ScalerProviders
@testable import ScalerDaemon
import Testing

@Suite struct HealthOfTheControlLoop {
    private func daemonStatus(tick: String) throws -> DaemonStatus {
        let yaml = """
            tick: \(tick)
            journal: { path: journal.sqlite }
            providers: [ { name: sim, kind: simulated } ]
            endpoints: [ { name: chat, provider: sim, id: c1, policy: { type: queue, value: 4, max_replicas: 2 } } ]
            """
        let config = try ConfigLoader(catalog: ProviderModules.catalog, workingDirectory: FileManager.default.temporaryDirectory.path).parse(yaml, file: "test.yaml")
        return DaemonStatus(config: config)
    }

    @Test func healthyOnlyWhileTicksComplete() async throws {
        let status = try daemonStatus(tick: "2s")
        let start = Date(timeIntervalSince1970: 1_000)
        #expect(await !status.isHealthy(now: start), "no tick yet")
        await status.recordTick([], at: start)
        #expect(await status.isHealthy(now: start.addingTimeInterval(10)))
        // Three ticks (6 s) and the 5 s grace without a completed tick: stuck.
        #expect(await !status.isHealthy(now: start.addingTimeInterval(11.5)))
    }

    @Test func ticksLongerThanTheIntervalAreSlowNotStuck() async throws {
        let status = try daemonStatus(tick: "1s")
        let start = Date(timeIntervalSince1970: 1_000)
        // Ten thousand endpoints may take 3 s a tick on a 1 s interval: the loop is judged by
        // the ticks it completes, each as long as the last one took.
        await status.recordTick([], duration: 3, at: start)
        #expect(await status.isHealthy(now: start.addingTimeInterval(12)), "three 3 s ticks and the grace")
        #expect(await !status.isHealthy(now: start.addingTimeInterval(14.5)))
    }
}
