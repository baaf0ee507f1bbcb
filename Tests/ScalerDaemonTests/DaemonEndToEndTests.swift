import Foundation
import ScalerJournal
import ScalerTestSupport
import Testing

private func daemonConfig(maxReplicas: String) -> String {
    """
    tick: 250ms
    journal: { path: journal.sqlite }
    admin: { listen: "127.0.0.1:0" }
    log: { level: debug, format: text }
    providers:
      - name: sim
        kind: simulated
        simulation: { seed: 7, cold_start: 500ms, service_time: 300ms, peak_rps: 30, cycle: 8s }
    endpoints:
      - name: e2e
        provider: sim
        id: sim-e2e
        policy:
          type: queue
          value: 0.5
          max_replicas: \(maxReplicas)
          idle_timeout: 1s
          scale_down: { stabilization: 1s }
    """
}

/// The real binary, as systemd would run it: ticks, SIGHUP with a good and a bad file, SIGTERM.
extension ChildProcesses {
    @Suite struct DaemonProcessLifecycle {
        @Test func ticksReloadsRefusesABadReloadAndStopsCleanly() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("scalerd-e2e-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let configPath = directory.appendingPathComponent("scalerd.yaml").path
            let journalPath = directory.appendingPathComponent("journal.sqlite").path
            try daemonConfig(maxReplicas: "6").write(toFile: configPath, atomically: true, encoding: .utf8)

            let daemon = try DaemonProcess(arguments: ["run", "--config", configPath], directory: directory)
            func rows() throws -> [JournalEntry] { try journalRows(at: journalPath) }

            /// Evaluations journalled, counting each repeat of a coalesced hold.
            func evaluations() throws -> Int { try rows().reduce(0) { $0 + $1.repeats } }

            #expect(try await DaemonProcess.eventually(within: 30) { try evaluations() >= 4 }, "ticks are journalled: \(daemon.stderr)")
            let firstVersion = try #require(try rows().first?.policyVersion)

            try daemonConfig(maxReplicas: "9").write(toFile: configPath, atomically: true, encoding: .utf8)
            daemon.signal(SIGHUP)
            #expect(try await DaemonProcess.eventually(within: 10) { try rows().last?.policyVersion != firstVersion }, "a valid reload takes effect")
            #expect(daemon.stderr.contains("configuration reloaded"))
            let secondVersion = try #require(try rows().last?.policyVersion)

            try daemonConfig(maxReplicas: "0").write(toFile: configPath, atomically: true, encoding: .utf8)
            daemon.signal(SIGHUP)
            #expect(await DaemonProcess.eventually(within: 10) { daemon.stderr.contains("reload refused") }, "an invalid reload is refused")
            #expect(daemon.stderr.contains("endpoints[0].policy.max_replicas"))
            // A value that once crashed the parser: refused like any other, and the daemon lives.
            try daemonConfig(maxReplicas: "1:1:1:1:1:1:1:1:1:1:1:1").write(toFile: configPath, atomically: true, encoding: .utf8)
            daemon.signal(SIGHUP)
            #expect(await DaemonProcess.eventually(within: 10) { daemon.stderr.contains("base-60 numbers") }, "the hostile reload is refused")
            let countAfterRefusal = try evaluations()
            #expect(try await DaemonProcess.eventually(within: 10) { try evaluations() > countAfterRefusal + 2 }, "it keeps running")
            #expect(try rows().suffix(2).allSatisfy { $0.policyVersion == secondVersion }, "on the config it had")

            daemon.signal(SIGTERM)
            let status = await daemon.waitForExit(within: 15)
            #expect(status == 0, "SIGTERM exits 0: \(daemon.stderr)")
            #expect(daemon.stderr.contains("journal flushed"))
            let finalCount = try evaluations()
            try await Task.sleep(for: .milliseconds(600))
            #expect(try evaluations() == finalCount, "nothing is written after exit")
            #expect(try rows().allSatisfy { (0...9).contains($0.desired) })
        }

        @Test func checkRefusesABadFileWithoutCreatingTheJournal() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("scalerd-check-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let configPath = directory.appendingPathComponent("bad.yaml").path
            try daemonConfig(maxReplicas: "0").replacingOccurrences(of: "idle_timeout", with: "idle_timout")
                .write(toFile: configPath, atomically: true, encoding: .utf8)
            let result = try await runScalerd(["check", "--config", configPath], in: directory)
            #expect(result.status == 78)
            #expect(result.stderr.contains("\(configPath):"))
            #expect(result.stderr.contains("endpoints[0].policy.max_replicas: must be 1 or more, got 0"))
            #expect(result.stderr.contains("did you mean 'idle_timeout'?"))
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("journal.sqlite").path))
        }

        @Test func checkAndRunRefuseAJournalThatIsADirectoryWithTheSameWords() async throws {
            let directory = try scratchDirectory("check-run")
            defer { try? FileManager.default.removeItem(at: directory) }
            try FileManager.default.createDirectory(at: directory.appendingPathComponent("journal.sqlite"), withIntermediateDirectories: true)
            let configPath = directory.appendingPathComponent("scalerd.yaml").path
            try daemonConfig(maxReplicas: "4").write(toFile: configPath, atomically: true, encoding: .utf8)
            let check = try await runScalerd(["check", "--config", configPath], in: directory)
            let run = try await runScalerd(["run", "--config", configPath], in: directory)
            #expect(check.status == 78 && run.status == 78)
            let words = "journal.path: journal cannot be written: \(directory.appendingPathComponent("journal.sqlite").path) is a directory"
            #expect(check.stderr.contains(words) && run.stderr.contains(words), "\(check.stderr)\n\(run.stderr)")
        }

        @Test func checkPrintsWhatWouldRun() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("scalerd-check-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let configPath = directory.appendingPathComponent("good.yaml").path
            try daemonConfig(maxReplicas: "4").write(toFile: configPath, atomically: true, encoding: .utf8)
            let result = try await runScalerd(["check", "--config", configPath], in: directory)
            #expect(result.status == 0)
            #expect(result.stdout.contains("e2e: provider sim, id sim-e2e, mode enforce"))
            #expect(result.stdout.contains("replicas 0...4"))
        }
    }
}
