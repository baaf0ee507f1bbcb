import Foundation
import ScalerJournal
import ScalerTestSupport
import Testing

extension ChildProcesses {
    @Suite struct JournalRetention {
        @Test func theDaemonPrunesRowsOlderThanTheRetentionAndRecordsIt() async throws {
            let directory = try scratchDirectory("retention")
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = try await journalWithHistory(in: directory, daysAgo: 3)
            let configPath = directory.appendingPathComponent("scalerd.yaml").path
            try """
                tick: 250ms
                journal: { path: journal.sqlite, retention: 2d }
                admin: { listen: "127.0.0.1:0" }
                providers:
                  - { name: sim, kind: simulated, simulation: { seed: 3, cold_start: 500ms, service_time: 300ms, peak_rps: 5, cycle: 6s } }
                endpoints:
                  - { name: llm, provider: sim, id: sim-llm, policy: { type: queue, value: 1, max_replicas: 3 } }
                """.write(toFile: configPath, atomically: true, encoding: .utf8)
            let daemon = try DaemonProcess(arguments: ["run", "--config", configPath], directory: directory)

            let reader = try JournalReader(path: path)
            #expect(await DaemonProcess.eventually(within: 20) {
                let old = try? reader.entries(JournalQuery(endpoint: "chat"))
                return old?.isEmpty == true
            }, "rows older than 2d are pruned: \(daemon.stderr)")
            #expect(daemon.stderr.contains("journal pruned by journal.retention"))
            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit(within: 20) == 0)
            let verified = try reader.verify()
            #expect(verified.problem == nil && verified.prunes == 1, "\(String(describing: verified.problem))")
        }
    }
}
