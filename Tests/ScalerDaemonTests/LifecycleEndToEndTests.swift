import AsyncHTTPClient
import Foundation
import ScalerJournal
import ScalerTestSupport
import Testing

/// The daemon's life as the journal keeps it: a stop, a crash and a reload, and the readers that
/// must not extend a decision across a stretch in which nobody was deciding.
extension ChildProcesses {
    @Suite struct LifecycleEndToEnd {
        private static func config(port: Int, maxReplicas: Int = 5) -> String {
            """
            tick: 250ms
            journal: { path: journal.sqlite }
            admin: { listen: "127.0.0.1:\(port)" }
            providers:
              - { name: sim, kind: simulated, simulation: { cold_start: 0s, peak_rps: 20, cycle: 10s } }
            endpoints:
              - { name: chat, provider: sim, id: sim-chat, policy: { type: concurrency, value: 1, min_replicas: 1, max_replicas: \(maxReplicas) } }
            """
        }

        private struct Scratch {
            let directory: URL
            let configPath: String
            var journalPath: String { directory.appendingPathComponent("journal.sqlite").path }

            init(_ config: String) throws {
                directory = try scratchDirectory("lifecycle")
                configPath = directory.appendingPathComponent("scalerd.yaml").path
                try config.write(toFile: configPath, atomically: true, encoding: .utf8)
            }

            func start() throws -> DaemonProcess {
                try DaemonProcess(arguments: ["run", "--config", configPath], directory: directory)
            }

            func rows() -> [JournalEntry] {
                guard FileManager.default.fileExists(atPath: journalPath) else { return [] }
                return (try? JournalReader(path: journalPath).entries(JournalQuery())) ?? []
            }

            func events() throws -> [DaemonEvent] {
                try JournalReader(path: journalPath).daemonEvents()
            }

            func scalerd(_ arguments: [String]) async throws -> String {
                let run = try await runScalerd(arguments, in: directory)
                #expect(run.status == 0, "scalerd \(arguments.joined(separator: " ")): \(run.stderr)")
                return run.stdout
            }

            /// Evaluations journalled so far, coalesced hold runs counted in full.
            func evaluations() -> Int {
                rows().reduce(0) { $0 + $1.repeats }
            }
        }

        @Test func aStoppedDaemonsTimeIsReportedApartWithNoWorkerSecondsAndDrawnAsAGap() async throws {
            let scratch = try Scratch(Self.config(port: try FreePort.find()))
            defer { try? FileManager.default.removeItem(at: scratch.directory) }
            let daemon = try scratch.start()
            #expect(await DaemonProcess.eventually(within: 20) { scratch.evaluations() >= 6 }, "\(daemon.stderr)")
            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit(within: 15) == 0, "\(daemon.stderr)")
            // The time the readers must report apart: nobody decides in it.
            try await Task.sleep(for: .seconds(2))

            let events = try scratch.events()
            #expect(events.map(\.event) == [.start, .stop])
            let stop = try #require(events.last)
            #expect(stop.reason == "graceful stop on SIGTERM")
            let firstRow = try #require(scratch.rows().first)

            let json = try await scratch.scalerd(["journal", "stats", "--journal", scratch.journalPath, "--since", "1h", "--format", "json"])
            let stats = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
            let chat = try #require(stats.first)
            let notRunning = try #require(chat["not_running"] as? Double)
            let workerSeconds = try #require(chat["worker_seconds"] as? Double)
            #expect(notRunning >= 2, "the stopped time is reported apart: \(json)")
            // Every decided worker-second lies in the run: at most max_replicas from its first row to its stop.
            let run = stop.at.timeIntervalSince(firstRow.at)
            #expect(workerSeconds > 0 && workerSeconds <= 5 * run + 0.01, "\(workerSeconds) worker-seconds in a \(run) s run")
            let text = try await scratch.scalerd(["journal", "stats", "--journal", scratch.journalPath, "--since", "1h"])
            #expect(text.contains("not running: "), "\(text)")

            let svgPath = scratch.directory.appendingPathComponent("chat.svg").path
            _ = try await scratch.scalerd(["journal", "plot", "--journal", scratch.journalPath, "--endpoint", "chat", "--since", "1m", "-o", svgPath])
            let svg = try String(contentsOfFile: svgPath, encoding: .utf8)
            #expect(svg.contains(#"class="span"><title>not controlled from \#(JournalFormatter.timestamp(stop.at)) to now: stopped"#), "the gap is drawn")
            #expect(svg.contains("scalerd stopped (graceful stop"), "the stop is marked")

            let list = try await scratch.scalerd(["journal", "list", "--journal", scratch.journalPath])
            #expect(list.contains("daemon start") && list.contains("daemon stop") && list.contains("not controlled"), "\(list)")
            #expect(list.contains("nobody decided (up to now): stopped (graceful stop"), "\(list)")

            let instant = JournalFormatter.timestamp(stop.at.addingTimeInterval(1))
            let explained = try await scratch.scalerd(["journal", "explain", "--journal", scratch.journalPath, "--at", instant])
            #expect(explained.contains("nobody was deciding: scalerd stopped at \(JournalFormatter.timestamp(stop.at))"), "\(explained)")
            #expect(explained.contains("chat: the last decision before was"), "\(explained)")

            let exported = try await scratch.scalerd(["journal", "export", "--journal", scratch.journalPath, "--events"])
            let lines = exported.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(lines.map { $0["event"] as? String } == ["start", "stop"])
            let released = (lines.last?["detail"] as? [String: Any])?["endpoints"] as? [[String: Any]]
            #expect(released?.first?["action"] as? String == "released" && released?.first?["pushed_min_replicas"] as? Int == 1,
                    "a simulated endpoint is handed back by default: \(exported)")
        }

        @Test func aKilledRunIsJournalledAsAnUncleanEndByTheNextStartAndTheChainHoldsThroughout() async throws {
            let port = try FreePort.find()
            let scratch = try Scratch(Self.config(port: port))
            defer { try? FileManager.default.removeItem(at: scratch.directory) }
            let first = try scratch.start()
            #expect(await DaemonProcess.eventually(within: 20) { scratch.evaluations() >= 4 }, "\(first.stderr)")
            try Self.config(port: port, maxReplicas: 6).write(toFile: scratch.configPath, atomically: true, encoding: .utf8)
            first.signal(SIGHUP)
            #expect(try await DaemonProcess.eventually(within: 10) { try scratch.events().contains { $0.event == .reload } }, "\(first.stderr)")
            #expect(await DaemonProcess.eventually(within: 10) { scratch.rows().contains { $0.at > (try! scratch.events().last!.at) } })
            first.signal(SIGKILL)
            _ = await first.waitForExit(within: 10)
            let lastBeforeKill = try #require(scratch.rows().map(\.lastAt).max())
            #expect(try await scratch.scalerd(["journal", "verify", "--journal", scratch.journalPath]).contains("intact"))

            let second = try scratch.start()
            #expect(try await DaemonProcess.eventually(within: 20) { try scratch.events().count >= 4 && scratch.rows().contains { $0.at > lastBeforeKill.addingTimeInterval(0.1) } },
                    "\(second.stderr)")
            let events = try scratch.events()
            #expect(events.map(\.event) == [.start, .reload, .uncleanEnd, .start])
            let unclean = try #require(DaemonEvent.UncleanEnd(detail: events[2].detail))
            #expect(unclean.pid == events[0].pid && unclean.lastEvaluation == lastBeforeKill, "nothing is known after the last evaluation")
            #expect(events[3].pid != events[0].pid)
            #expect(second.stderr.contains("ended without a stop"))

            let answer = try await sharedTestClient.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/daemon"), timeout: .seconds(5))
            let body = try await answer.body.collect(upTo: 1 << 20)
            let daemon = try #require(try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])
            #expect(daemon["pid"] as? Int == events[3].pid && daemon["version"] as? String == events[3].version)
            let previous = try #require(daemon["previous_run"] as? [String: Any])
            #expect(previous["ending"] as? String == "ended_without_stop" && previous["pid"] as? Int == events[0].pid)
            let status = try await scratch.scalerd(["status", "--config", scratch.configPath])
            #expect(status.contains("previous run: ended without a stop"), "\(status)")

            second.signal(SIGTERM)
            #expect(await second.waitForExit(within: 15) == 0, "\(second.stderr)")
            let verified = try await scratch.scalerd(["journal", "verify", "--journal", scratch.journalPath])
            #expect(verified.contains("intact") && verified.contains("and 5 daemon event(s) checked"), "\(verified)")
            let list = try await scratch.scalerd(["journal", "list", "--journal", scratch.journalPath])
            #expect(list.contains("daemon unclean_end") && list.contains("nobody decided (until") && list.contains("ended without a stop"), "\(list)")
        }
    }
}
