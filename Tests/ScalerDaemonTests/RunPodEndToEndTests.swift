import Foundation
import ScalerHTTP
import ScalerPorts
import ScalerJournal
import ScalerTestSupport
import Testing

/// The real daemon against a fake RunPod (control plane and health), checked from both sides:
/// the server's request log and the journal.
extension ChildProcesses {
    @Suite struct RunPodEndToEnd {
        @Test func scalesWithinBoundsCorrectsDriftAndNeverLeaksTheKey() async throws {
            let directory = try scratchDirectory("runpod")
            defer { try? FileManager.default.removeItem(at: directory) }
            let state = FakeProviderState(endpoints: ["ep1": FakeRunPodREST.endpoint(id: "ep1", min: 0, max: 10)])
            // Twelve requests wait; one worker serves; four jobs finish between health reads.
            await state.setHealth("ep1", [
                "jobs": ["completed": 0, "failed": 0, "inProgress": 1, "inQueue": 12, "retried": 0],
                "workers": ["idle": 0, "running": 1],
            ])
            let key = FakeRunPodREST.apiKey

            try await withFakeServer(FakeRunPodREST.router(state)) { baseURL in
                let config = """
                    tick: 250ms
                    journal: { path: journal.sqlite }
                    admin: { listen: "127.0.0.1:0" }
                    providers:
                      - name: rp
                        kind: runpod
                        base_url: \(baseURL)
                        health_base_url: \(baseURL)
                        api_key: env:SCALERD_TEST_RUNPOD_KEY
                        rate_limit: 50
                    endpoints:
                      - name: sdxl
                        provider: rp
                        id: ep1
                        policy: { type: queue, value: 0.5, min_replicas: 0, max_replicas: 6, idle_timeout: 60s }
                    """
                let configPath = directory.appendingPathComponent("scalerd.yaml").path
                try config.write(toFile: configPath, atomically: true, encoding: .utf8)
                let journalPath = directory.appendingPathComponent("journal.sqlite").path
                let daemon = try DaemonProcess(arguments: ["run", "--config", configPath], directory: directory,
                                               environment: ["SCALERD_TEST_RUNPOD_KEY": key])
                func rows() throws -> [JournalEntry] { try journalRows(at: journalPath) }

                let scaledUp = await DaemonProcess.eventually(within: 20) {
                    (await state.endpoint("ep1"))?["workers"]?["min"]?.int ?? 0 > 0
                }
                #expect(scaledUp, "the daemon scaled the endpoint up: \(daemon.stderr)")
                let firstWrite = try #require(await state.writes().first)
                #expect(firstWrite.body?["workers"]?["max"] == 6)
                #expect(firstWrite.body?["workers"]?["idleTimeout"] == 60)
                #expect(firstWrite.body?["scaling"] == ["type": "QUEUE_DELAY", "queueDelay": 0.5])

                // Someone lowers max workers in the console; the daemon puts it back and says so.
                var edited = try #require(await state.endpoint("ep1"))
                edited["workers"]?["max"] = 2
                await state.setEndpoint("ep1", edited)
                let corrected = await DaemonProcess.eventually(within: 10) {
                    (await state.endpoint("ep1"))?["workers"]?["max"] == 6
                }
                #expect(corrected)
                #expect(try await DaemonProcess.eventually(within: 15) { try rows().contains { $0.drift.contains { $0.field == "max_replicas" && $0.live == "2" } } })

                daemon.signal(SIGTERM)
                #expect(await daemon.waitForExit(within: 15) == 0, "\(daemon.stderr)")

                let writes = await state.writes()
                for write in writes {
                    let min = try #require(write.body?["workers"]?["min"]?.int)
                    #expect((0...6).contains(min), "never outside min/max")
                    #expect(write.headers["authorization"] == "Bearer \(key)")
                }
                #expect(await state.requests.allSatisfy { !($0.query ?? "").contains(key) })
                let journalText = try JournalFormatter.render(rows(), as: .json)
                #expect(!journalText.contains(key), "no secret in the journal")
                #expect(!daemon.stderr.contains(key), "no secret in the logs")
                let journalled = try rows()
                #expect(journalled.contains { $0.action == .scaleUp && $0.pushed && $0.queueDelayEstimated },
                        "\(journalled.map { "\($0.action) \($0.currentReplicas)->\($0.desired) \($0.outcome) \($0.errorKind?.rawValue ?? "") \($0.errorMessage ?? "") \($0.metricStatus)" })")
            }
        }

        @Test func theGraphQLAPIRoundTripsEveryFieldAndNeverLeaksTheQueryKey() async throws {
            let directory = try scratchDirectory("graphql")
            defer { try? FileManager.default.removeItem(at: directory) }
            let graphql = FakeProviderState(endpoints: ["gq1": FakeRunPodGraphQL.endpoint(id: "gq1")])
            let health = FakeProviderState(endpoints: [:])
            await health.setHealth("gq1", [
                "jobs": ["completed": 0, "failed": 0, "inProgress": 1, "inQueue": 30, "retried": 0],
                "workers": ["idle": 0, "running": 1],
            ])
            let key = FakeRunPodGraphQL.apiKey
            // The health fake checks a bearer key of its own; give the daemon the one it expects.
            #expect(FakeRunPodREST.apiKey != key)

            try await withFakeServer(FakeRunPodGraphQL.router(graphql)) { graphqlURL in
                try await withFakeServer(FakeRunPodREST.router(health, healthKey: key)) { healthURL in
                    let config = """
                        tick: 250ms
                        journal: { path: journal.sqlite }
                        admin: { listen: "127.0.0.1:0" }
                        providers:
                          - { name: rp, kind: runpod, api: graphql, base_url: "\(graphqlURL)", health_base_url: "\(healthURL)", api_key: env:SCALERD_TEST_GQL_KEY, rate_limit: 50 }
                        endpoints:
                          - name: gq
                            provider: rp
                            id: gq1
                            policy: { type: queue, value: 1, min_replicas: 0, max_replicas: 4, idle_timeout: 60s }
                        """
                    let configPath = directory.appendingPathComponent("scalerd.yaml").path
                    try config.write(toFile: configPath, atomically: true, encoding: .utf8)
                    let daemon = try DaemonProcess(arguments: ["run", "--config", configPath], directory: directory,
                                                   environment: ["SCALERD_TEST_GQL_KEY": key])
                    let scaled = await DaemonProcess.eventually(within: 20) {
                        (await graphql.endpoint("gq1"))?["workersMin"]?.int ?? 0 > 1
                    }
                    #expect(scaled, "\(daemon.stderr)")
                    daemon.signal(SIGTERM)
                    #expect(await daemon.waitForExit(within: 15) == 0)

                    let saved = try #require(await graphql.endpoint("gq1"))
                    #expect(saved["templateId"] == "xkhgg72fuo" && saved["gpuIds"] == "AMPERE_16,ADA_24" && saved["networkVolumeId"] == "vol-1")
                    #expect(saved["flashBootType"] == "FLASHBOOT" && saved["executionTimeoutMs"] == 300_000, "nothing reset by the full replace")
                    #expect(saved["workersMax"] == 4 && saved["idleTimeout"] == 60 && saved["scalerType"] == "QUEUE_DELAY")
                    #expect((0...4).contains(saved["workersMin"]?.int ?? -1))
                    let rows = try JournalReader(path: directory.appendingPathComponent("journal.sqlite").path).entries(JournalQuery())
                    #expect(!JournalFormatter.render(rows, as: .json).contains(key))
                    #expect(!daemon.stderr.contains(key))
                }
            }
        }
    }
}
