import Foundation
import ScalerCore
import ScalerPorts
import ScalerHTTP
import ScalerJournal
import ScalerTestSupport
import Testing

/// Four decisions of two endpoints over three hours ending `daysAgo` days ago, written by `Journal`.
func journalWithHistory(in directory: URL, daysAgo: Double = 0) async throws -> String {
    let path = directory.appendingPathComponent("journal.sqlite").path
    let journal = try Journal(path: path)
    let now = Date().addingTimeInterval(-daysAgo * 86_400)
    func row(_ endpoint: String, _ minutesAgo: Double, _ action: ScalingAction, _ desired: Int) -> JournalEntry {
        let at = now.addingTimeInterval(-minutesAgo * 60)
        let decision = Decision(
            at: at, currentReplicas: 1, metricStatus: .fresh, metricAge: 0.1, rawRecommendation: desired, clamps: [],
            desiredReplicas: desired, action: action, reason: "\(action.rawValue) of \(endpoint), \(minutesAgo)m ago", nextState: ScalerState()
        )
        let observation = Observation(metrics: .sample(MetricSample(takenAt: at, queueDelay: 1, queued: 1, inFlight: 1)), currentReplicas: 1)
        return JournalEntry(decision: decision, observation: observation, endpoint: endpoint, provider: "sim", mode: "enforce",
                            policyVersion: "v1", outcome: .applied, providerLatency: 0.01)
    }
    try await journal.append([row("chat", 180, .scaleUp, 3), row("embed", 90, .scaleUp, 2), row("chat", 30, .scaleDown, 1), row("chat", 5, .scaleUp, 4)])
    return path
}

/// `scalerd journal list`, run as an operator runs it, against a journal written by `Journal`.
extension ChildProcesses {
    @Suite struct JournalListCommand {
        @Test func filtersByEndpointActionAndRelativeTimeAsJSON() async throws {
            let directory = try scratchDirectory("cli")
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = try await journalWithHistory(in: directory)

            let result = try await runScalerd(["journal", "list", "--journal", path, "--endpoint", "chat", "--since", "2h", "--action", "scale_up", "--format", "json"], in: directory)
            #expect(result.status == 0, "\(result.stderr)")
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
            #expect(rows.map { $0["reason"] as? String } == ["scale_up of chat, 5.0m ago"])
        }

        @Test func csvAndTableListEveryMatchingRowOldestFirst() async throws {
            let directory = try scratchDirectory("cli")
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = try await journalWithHistory(in: directory)

            let csv = try await runScalerd(["journal", "list", "--journal", path, "--endpoint", "chat", "--format", "csv"], in: directory)
            let lines = csv.stdout.split(separator: "\n")
            #expect(lines.count == 4)
            #expect(lines[0].hasPrefix("id,at,last_at,repeats,endpoint"))
            #expect(lines[1].contains("180.0m ago") && lines[3].contains("5.0m ago"))

            let table = try await runScalerd(["journal", "list", "--journal", path, "--until", "60m"], in: directory)
            #expect(table.stdout.split(separator: "\n").count == 3)
        }

        @Test func explainTellsTheInputsRecommendationClampsAndProviderAnswer() async throws {
            let directory = try scratchDirectory("cli")
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = try await journalWithHistory(in: directory)

            let result = try await runScalerd(["journal", "explain", "1", "--journal", path], in: directory)
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n").map(String.init)
            #expect(lines[0].hasPrefix("Decision 1 for chat (provider sim) at "))
            #expect(lines.contains("Inputs: metrics were fresh, 0.1 s old: queue delay 1.00 s, 1 queued, 1 in flight. The provider was running 1 replica(s)."))
            #expect(lines.contains("Raw recommendation: the load alone asked for 3 replica(s)."))
            #expect(lines.contains("Result: scale up from 1 to 3."))
            #expect(lines.contains("Provider: pushed 3 and the provider accepted it in 10 ms."))

            let missing = try await runScalerd(["journal", "explain", "99", "--journal", path], in: directory)
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("no decision with ID 99"))
        }

        @Test func aBadTimeIsRefusedWithTheOptionNamed() async throws {
            let result = try await runScalerd(["journal", "list", "--journal", "/nonexistent.sqlite", "--since", "yesterday"], in: FileManager.default.temporaryDirectory)
            #expect(result.status != 0)
            #expect(result.stderr.contains("--since 'yesterday' is neither now, a duration ago"))
        }

        @Test func aMissingJournalIsNamed() async throws {
            let result = try await runScalerd(["journal", "list", "--journal", "/nonexistent/journal.sqlite"], in: FileManager.default.temporaryDirectory)
            #expect(result.status != 0)
            #expect(result.stderr.contains("/nonexistent/journal.sqlite"))
            #expect(!FileManager.default.fileExists(atPath: "/nonexistent/journal.sqlite"))
        }
    }
}
