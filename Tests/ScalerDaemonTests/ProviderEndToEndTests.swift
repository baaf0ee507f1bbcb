import Foundation
import ScalerHTTP
import ScalerPorts
import ScalerJournal
import ScalerTestSupport
import Testing

/// The real daemon against fake PPIO, Novita and GPUGeek servers, with metrics from an HTTP
/// JSON service: each checked from the server's side and from the journal.
extension ChildProcesses {
    @Suite struct ProviderEndToEnd {
        /// Runs the daemon on `providerYAML` + one endpoint until `done` holds, then stops it.
        private func runDaemon(
            provider providerYAML: String, endpoint endpointYAML: String, environment: [String: String],
            metricsURL: String, metrics metricsYAML: String? = nil, done: @escaping () async -> Bool
        ) async throws -> (stderr: String, rows: [JournalEntry], reached: Bool) {
            let directory = try scratchDirectory("e2e")
            defer { try? FileManager.default.removeItem(at: directory) }
            let config = """
                tick: 250ms
                journal: { path: journal.sqlite }
                admin: { listen: "127.0.0.1:0" }
                providers:
                  - \(providerYAML)
                endpoints:
                  - name: e2e
                    provider: p
                    \(endpointYAML)
                    metrics: \(metricsYAML ?? "{ source: http, url: \"\(metricsURL)\", queued: /queue/waiting, in_flight: /queue/running }")
                    policy: { type: concurrency, value: 2, min_replicas: 0, max_replicas: 4, idle_timeout: 60s }
                """
            let configPath = directory.appendingPathComponent("scalerd.yaml").path
            try config.write(toFile: configPath, atomically: true, encoding: .utf8)
            let daemon = try DaemonProcess(arguments: ["run", "--config", configPath], directory: directory, environment: environment)
            let reached = await DaemonProcess.eventually(within: 20) { await done() }
            daemon.signal(SIGTERM)
            let status = await daemon.waitForExit(within: 15)
            #expect(status == 0, "\(daemon.stderr)")
            let rows = try JournalReader(path: directory.appendingPathComponent("journal.sqlite").path).entries(JournalQuery())
            return (daemon.stderr, rows, reached)
        }

        /// Six requests at two per worker: three workers.
        private func metricsState(_ id: String) async -> FakeProviderState {
            let metrics = FakeProviderState(endpoints: [:])
            await metrics.setHealth(id, ["queue": ["waiting": 4, "running": 2]])
            return metrics
        }

        private func expectClean(_ run: (stderr: String, rows: [JournalEntry], reached: Bool), key: String) {
            #expect(run.reached, "\(run.stderr)")
            #expect(!run.stderr.contains(key))
            #expect(!JournalFormatter.render(run.rows, as: .json).contains(key))
            // A push cut off by the tick's deadline under load may have landed all the same (the
            // server's side is checked by `done`): the journal then says so, error and timeout.
            #expect(run.rows.contains { $0.action == .scaleUp && $0.pushed && $0.desired == 3 },
                    "\(run.rows.map { "\($0.action) \($0.currentReplicas)->\($0.desired) \($0.outcome) \($0.errorKind?.rawValue ?? "") \($0.errorMessage ?? "") \($0.metricStatus)" })")
            #expect(run.rows.allSatisfy { (0...4).contains($0.desired) })
        }

        @Test func ppio() async throws {
            let state = FakeProviderState(endpoints: ["ep-1": FakeEndpointsV2.endpoint(id: "ep-1")])
            let metrics = await metricsState("ep-1")
            try await withFakeServer(FakeEndpointsV2.router(state)) { providerURL in
                try await withFakeServer(FakeMetrics.router(metrics)) { metricsURL in
                    let run = try await runDaemon(
                        provider: "{ name: p, kind: ppio, base_url: \"\(providerURL)\", api_key: env:SCALERD_E2E_KEY, rate_limit: 50 }",
                        endpoint: "id: ep-1", environment: ["SCALERD_E2E_KEY": FakeEndpointsV2.apiKey],
                        metricsURL: "\(metricsURL)/metrics/ep-1"
                    ) { await state.endpoint("ep-1")?["worker_config"]?["min_replicas"]?.int == 3 }
                    expectClean(run, key: FakeEndpointsV2.apiKey)
                    let put = await state.writes().first
                    #expect(put?.body?["worker_config"]?["max_replicas"] == 4)
                    #expect(put?.body?["policy"] == ["type": "concurrency", "value": 2])
                }
            }
        }

        @Test func novitaV1() async throws {
            let state = FakeProviderState(endpoints: ["nv1": FakeNovitaV1.endpoint(id: "nv1")])
            let metrics = await metricsState("nv1")
            try await withFakeServer(FakeNovitaV1.router(state)) { providerURL in
                try await withFakeServer(FakeMetrics.router(metrics)) { metricsURL in
                    let run = try await runDaemon(
                        provider: "{ name: p, kind: novita, api: v1, base_url: \"\(providerURL)\", api_key: env:SCALERD_E2E_KEY, rate_limit: 50 }",
                        endpoint: "id: nv1", environment: ["SCALERD_E2E_KEY": FakeNovitaV1.apiKey],
                        metricsURL: "\(metricsURL)/metrics/nv1"
                    ) { await state.endpoint("nv1")?["workerConfig"]?["minNum"]?.int == 3 }
                    expectClean(run, key: FakeNovitaV1.apiKey)
                    #expect(await state.endpoint("nv1")?["envs"] == FakeNovitaV1.endpoint(id: "nv1")["envs"], "nothing lost by the full replacement")
                }
            }
        }

        @Test func gpugeek() async throws {
            let cloud = FakeGPUGeekCloud()
            let state = FakeProviderState(endpoints: [:])
            let metrics = await metricsState("pool")
            let foreign = await cloud.seed(name: "prod-db", status: "running")
            try await withFakeServer(FakeGPUGeek.router(cloud, state)) { providerURL in
                try await withFakeServer(FakeMetrics.router(metrics)) { metricsURL in
                    let run = try await runDaemon(
                        provider: "{ name: p, kind: gpugeek, base_url: \"\(providerURL)\", api_key: env:SCALERD_E2E_KEY, rate_limit: 50 }",
                        endpoint: "id: pool\n    instance: { gpu_name: G40-24G, gpu_num: 1, image_id: torch2.1.1-cuda12.1.0-py3.10, sku_name: payg, http_ports: [8080] }",
                        environment: ["SCALERD_E2E_KEY": FakeGPUGeekCloud.token],
                        metricsURL: "\(metricsURL)/metrics/pool"
                    ) { await cloud.instances.values.filter { $0.name.hasPrefix("scalerd-pool-") && $0.status == "running" }.count == 3 }
                    expectClean(run, key: FakeGPUGeekCloud.token)
                    #expect(await cloud.instances[foreign] != nil)
                    #expect(await cloud.created.count == 3, "no double creation across ticks")
                }
            }
        }

        @Test func ppioAsyncEndpointThroughItsGatewayHealth() async throws {
            let state = FakeProviderState(endpoints: ["ep-1": FakeEndpointsV2.endpoint(id: "ep-1")])
            let gateway = FakeProviderState(endpoints: [:])
            await gateway.setHealth("ep-1-example-app", [
                "jobs": ["completed": 0, "failed": 0, "inProgress": 2, "inQueue": 4, "retried": 0], "workers": ["idle": 0, "running": 2],
            ])
            try await withFakeServer(FakeEndpointsV2.router(state)) { providerURL in
                try await withFakeServer(FakeRunPodREST.router(gateway, healthKey: FakeEndpointsV2.apiKey)) { gatewayURL in
                    let run = try await runDaemon(
                        provider: "{ name: p, kind: ppio, base_url: \"\(providerURL)\", health_base_url: \"\(gatewayURL)\", api_key: env:SCALERD_E2E_KEY, rate_limit: 50 }",
                        endpoint: "id: ep-1", environment: ["SCALERD_E2E_KEY": FakeEndpointsV2.apiKey], metricsURL: "",
                        metrics: "{ source: provider, gateway_name: ep-1-example-app }"
                    ) { await state.endpoint("ep-1")?["worker_config"]?["min_replicas"]?.int == 3 }
                    expectClean(run, key: FakeEndpointsV2.apiKey)
                    #expect(await gateway.requests.allSatisfy { $0.path == "/v1/ep-1-example-app/health" })
                }
            }
        }
    }
}
