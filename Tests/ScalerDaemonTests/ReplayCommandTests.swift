import Foundation
import ScalerCore
import ScalerPorts
import ScalerJournal
import ScalerTestSupport
import Testing

/// `scalerd replay`: last night's journalled observations through a config not yet deployed.
extension ChildProcesses {
    @Suite struct ReplayCommand {
        private static let newConfig = """
            journal: { path: /var/lib/elsewhere/journal.sqlite }
            providers: [{ name: sim, kind: simulated }]
            endpoints:
              - name: chat
                provider: sim
                id: sim-chat
                policy: { type: concurrency, value: 1, max_replicas: 10, scale_down: { stabilization: 0s } }

            """

        /// Ten minutes of one endpoint held at 1 replica, 5 s apart, with 4 requests about for the middle
        /// 200 s (the old policy wanted 2 then, but its max_replicas was 1): three hold runs.
        private func journal(in directory: URL) async throws -> String {
            let path = directory.appendingPathComponent("journal.sqlite").path
            let journal = try Journal(path: path)
            let start = Date().addingTimeInterval(-600)
            var entries: [JournalEntry] = []
            for index in 0..<120 {
                let at = start.addingTimeInterval(Double(index) * 5)
                let busy = (40..<80).contains(index)
                let sample = MetricSample(takenAt: at, queueDelay: busy ? 3 : 0, queued: busy ? 3 : 0, inFlight: busy ? 1 : 0, readyWorkers: 1)
                let decision = Decision(
                    at: at, currentReplicas: 1, metricStatus: .fresh, metricAge: 0, rawRecommendation: busy ? 2 : 1, clamps: [],
                    desiredReplicas: 1, action: .hold, reason: "hold at 1", nextState: ScalerState()
                )
                entries.append(JournalEntry(decision: decision, observation: Observation(metrics: .sample(sample), currentReplicas: 1),
                                            endpoint: "chat", provider: "sim", mode: "enforce", policyVersion: "v1", outcome: .unchanged, providerLatency: nil))
            }
            for entry in entries { try await journal.append([entry]) }
            return path
        }

        @Test func tuneRebuildsTheArrivalsFromTheJournalAndSaysHow() async throws {
            let directory = try scratchDirectory("tune-journal")
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = try await journal(in: directory)
            try Self.newConfig.write(to: directory.appendingPathComponent("new.yaml"), atomically: true, encoding: .utf8)
            let tuned = try await runScalerd(["tune", "-c", "new.yaml", "--journal", path, "--since", "1h", "--slo", "50%"], in: directory)
            #expect(tuned.stdout.hasPrefix("rebuilt "), "\(tuned.stdout)\n\(tuned.stderr)")
            #expect(tuned.stdout.contains("arrivals over 9m55s from 120 journalled observations"))
            #expect(tuned.stdout.contains("not known: each request's size"))
            #expect(tuned.stdout.contains("cheapest setting of each family within 50% over target"))
            let empty = try await runScalerd(["tune", "-c", "new.yaml", "--journal", path, "--since", "1s", "--slo", "1%"], in: directory)
            #expect(empty.stderr.contains("nothing to rebuild arrivals from"), "\(empty.stderr)")
            let missing = try await runScalerd(["tune", "-c", "new.yaml", "--journal", "absent.sqlite", "--slo", "1%"], in: directory)
            #expect(missing.stderr.hasPrefix("scalerd: journal ") && missing.stderr.contains("absent.sqlite: cannot open"), "\(missing.stderr)")
        }

        @Test func itShowsEachDecisionThatWouldDifferAndTheTotals() async throws {
            let directory = try scratchDirectory("replay")
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = try await journal(in: directory)
            try Self.newConfig.write(to: directory.appendingPathComponent("new.yaml"), atomically: true, encoding: .utf8)

            let table = try await runScalerd(["replay", "--journal", path, "-c", "new.yaml", "--since", "1h"], in: directory)
            #expect(table.status == 0, "\(table.stderr)")
            #expect(table.stdout.contains("1 -> 4  scale up 1 -> 4: 4 concurrent requests"))
            #expect(table.stdout.contains("chat: 120 evaluations, "))

            let json = try await runScalerd(["replay", "--journal", path, "-c", "new.yaml", "--format", "json"], in: directory)
            let result = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            let totals = try #require(result["totals"] as? [String: Any])
            #expect(totals["evaluations"] as? Int == 120)
            #expect(totals["approximate"] as? Int == 0)
            // 119 intervals of 5 s. The new policy runs 4 while busy, and keeps 1 through the idle
            // stretches, which are shorter than its default idle_timeout.
            let recorded = try #require(totals["recorded_replica_seconds"] as? Double)
            let replayed = try #require(totals["replayed_replica_seconds"] as? Double)
            #expect(abs(recorded - 595) < 1)
            #expect(abs(replayed - (200 + 800 + 195)) < 1)
            #expect(totals["replayed_scale_events"] as? Int == 2)
        }

        @Test func anEndpointWithNoHistoryIsSaidSo() async throws {
            let directory = try scratchDirectory("replay")
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = try await journal(in: directory)
            try Self.newConfig.replacingOccurrences(of: "name: chat", with: "name: embed")
                .write(to: directory.appendingPathComponent("new.yaml"), atomically: true, encoding: .utf8)
            let result = try await runScalerd(["replay", "--journal", path, "-c", "new.yaml"], in: directory)
            #expect(result.status == 1)
            #expect(result.stderr.contains("no evaluations of 'embed' in that range"))
        }
    }
}
