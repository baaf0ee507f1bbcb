import Foundation
#if canImport(Glibc)
import Glibc
#endif
import ScalerJournal
@testable import ScalerDaemon
import ScalerTestSupport
import Testing

@Suite struct SystemdNotifyProtocol {
    @Test func withoutNotifySocketNothingIsSentAndThereIsNoWatchdog() {
        let notifier = SystemdNotifier(environment: ["WATCHDOG_USEC": "1000000"])
        #expect(notifier.watchdogInterval == nil)
        #expect(notifier.send(["READY=1"]) == false)
    }

    @Test func theWatchdogPingsAtHalfItsIntervalAndOnlyForTheNamedProcess() {
        let ours = SystemdNotifier(environment: ["NOTIFY_SOCKET": "@x", "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "42"], pid: 42)
        #expect(ours.watchdogInterval == .seconds(15))
        let someoneElses = SystemdNotifier(environment: ["NOTIFY_SOCKET": "@x", "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "41"], pid: 42)
        #expect(someoneElses.watchdogInterval == nil)
    }

    @Test func anAbstractSocketReceivesTheDatagram() async throws {
        let name = "@scalerd-test-\(UUID().uuidString)"
        let listener = try NotifyListener(address: name)
        defer { listener.stop() }
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": name])
        #expect(notifier.send(["READY=1", "STATUS=up"]))
        #expect(await DaemonProcess.eventually(within: 2) { !listener.messages.isEmpty })
        #expect(listener.messages.first?.text == "READY=1\nSTATUS=up")
    }

    @Test func pingsWaitForHalfTheIntervalBetweenCompletedTicks() {
        var pacer = WatchdogPacer(interval: .seconds(10))
        let start = ContinuousClock.now
        let pings = [0, 5, 10].map { pacer.tickCompleted(at: start + .seconds($0)) }
        #expect(pings == [true, false, true])
    }
}

/// The built daemon under a fake systemd: READY, STATUS, watchdog pings, reloads good and bad,
/// and a clean stop.
extension ChildProcesses {
    @Suite struct DaemonUnderSystemd {
        private func config(maxReplicas: Int) -> String {
            """
            tick: 250ms
            journal: { path: journal.sqlite }
            admin: { listen: "127.0.0.1:0" }
            providers:
              - { name: sim, kind: simulated, simulation: { seed: 3, cold_start: 500ms, service_time: 300ms, peak_rps: 20, cycle: 6s } }
            endpoints:
              - { name: llm, provider: sim, id: sim-llm, policy: { type: queue, value: 0.5, max_replicas: \(maxReplicas) } }
            """
        }

        @Test func itSpeaksTheNotifyProtocolFromStartToStop() async throws {
            let directory = try scratchDirectory("notify")
            defer { try? FileManager.default.removeItem(at: directory) }
            let configPath = directory.appendingPathComponent("scalerd.yaml").path
            try config(maxReplicas: 4).write(toFile: configPath, atomically: true, encoding: .utf8)
            let listener = try NotifyListener(address: directory.appendingPathComponent("notify.sock").path)
            defer { listener.stop() }
            let daemon = try DaemonProcess(
                arguments: ["run", "--config", configPath], directory: directory,
                environment: ["NOTIFY_SOCKET": listener.address, "WATCHDOG_USEC": "2000000"]
            )

            #expect(await DaemonProcess.eventually(within: 30) { !listener.messages(setting: "READY").isEmpty }, "READY=1: \(daemon.stderr)")
            #expect(listener.messages(setting: "READY").first?.fields["STATUS"]?.hasPrefix("running: 1 endpoint(s)") == true)

            // Pings come after completed ticks, never closer than half of WATCHDOG_USEC (1 s).
            #expect(await DaemonProcess.eventually(within: 20) { listener.messages(setting: "WATCHDOG").count >= 4 })
            let pings = listener.messages(setting: "WATCHDOG").map(\.at)
            let gaps = zip(pings, pings.dropFirst()).map { $1 - $0 }
            #expect(gaps.allSatisfy { $0 >= .milliseconds(900) }, "\(gaps)")
            #expect(gaps.allSatisfy { $0 <= .seconds(3) }, "\(gaps)")
            #expect(listener.messages(setting: "STATUS").contains { $0.fields["STATUS"]?.hasPrefix("last tick ") == true })

            try config(maxReplicas: 6).write(toFile: configPath, atomically: true, encoding: .utf8)
            daemon.signal(SIGHUP)
            #expect(await DaemonProcess.eventually(within: 10) { listener.messages(setting: "READY").count >= 2 })
            let reloading = try #require(listener.messages(setting: "RELOADING").first)
            #expect(reloading.fields["MONOTONIC_USEC"].flatMap { UInt64($0) } != nil)
            let applied = try #require(listener.messages(setting: "READY").last)
            #expect(reloading.at <= applied.at)
            #expect(applied.fields["STATUS"] == "configuration 2 applied")

            try config(maxReplicas: 0).write(toFile: configPath, atomically: true, encoding: .utf8)
            daemon.signal(SIGHUP)
            #expect(await DaemonProcess.eventually(within: 10) { listener.messages(setting: "READY").count >= 3 })
            #expect(listener.messages(setting: "RELOADING").count == 2)
            let refused = listener.messages(setting: "READY").last?.fields["STATUS"] ?? ""
            #expect(refused.hasPrefix("reload refused, running configuration kept: ") && refused.contains("max_replicas"), "\(refused)")

            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit(within: 20) == 0, "\(daemon.stderr)")
            #expect(listener.messages(setting: "STOPPING").count == 1)
            let journal = try JournalReader(path: directory.appendingPathComponent("journal.sqlite").path)
            #expect(try journal.entries(JournalQuery(endpoint: "llm")).count >= 4, "the journal kept every tick")
            #expect(try journal.verify().problem == nil, "and its hash chain is intact after the stop")
        }

        @Test func readyDoesNotWaitForAProviderThatNeverAnswers() async throws {
            let directory = try scratchDirectory("outage")
            defer { try? FileManager.default.removeItem(at: directory) }
            let silent = try SilentListener()
            defer { silent.close() }
            let configPath = directory.appendingPathComponent("scalerd.yaml").path
            try """
                tick: 4s
                journal: { path: journal.sqlite }
                admin: { listen: "127.0.0.1:0" }
                providers:
                  - { name: rp, kind: runpod, base_url: "http://127.0.0.1:\(silent.port)", health_base_url: "http://127.0.0.1:\(silent.port)", api_key: env:SCALERD_TEST_OUTAGE_KEY }
                endpoints:
                  - { name: sdxl, provider: rp, id: ep1, policy: { type: queue, value: 1, max_replicas: 3 } }
                """.write(toFile: configPath, atomically: true, encoding: .utf8)
            let listener = try NotifyListener(address: directory.appendingPathComponent("notify.sock").path)
            defer { listener.stop() }
            let daemon = try DaemonProcess(
                arguments: ["run", "--config", configPath], directory: directory,
                environment: ["NOTIFY_SOCKET": listener.address, "SCALERD_TEST_OUTAGE_KEY": "rp_test"]
            )
            #expect(await DaemonProcess.eventually(within: 20) { !listener.messages(setting: "READY").isEmpty }, "\(daemon.stderr)")
            // The first tick waits out its budget on the silent provider; READY came before it ended.
            #expect(await DaemonProcess.eventually(within: 20) { listener.messages.contains { $0.fields["STATUS"]?.hasPrefix("last tick ") == true } })
            let ready = try #require(listener.messages(setting: "READY").first)
            let firstTick = try #require(listener.messages.first { $0.fields["STATUS"]?.hasPrefix("last tick ") == true })
            #expect(ready.at < firstTick.at)
            #expect(firstTick.fields["STATUS"]?.contains("1 with metric or provider errors") == true, "\(firstTick.text)")
            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit(within: 20) == 0)
        }
    }
}

/// A TCP port that accepts connections (the kernel completes them) and never answers.
private final class SilentListener {
    let descriptor: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 64) == 0 else { throw CocoaError(.fileWriteUnknown) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() {
        _ = Glibc.close(descriptor)
    }
}
