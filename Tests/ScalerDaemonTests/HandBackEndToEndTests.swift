import Foundation
import ScalerHTTP
import ScalerJournal
import ScalerTestSupport
import Testing

/// `on_stop: release` against the providers' fakes: on SIGTERM every endpoint's floor goes back
/// to `min_replicas`, the stop record says what each provider answered, and a provider that does
/// not answer does not hold the stop past its budget.
extension ChildProcesses {
    @Suite struct HandBackEndToEnd {
        @Test func onSIGTERMEveryEndpointIsReleasedToMinReplicasAndAHangingProviderDoesNotHoldTheStop() async throws {
            let directory = try scratchDirectory("handback")
            defer { try? FileManager.default.removeItem(at: directory) }
            let runpod = FakeProviderState(endpoints: ["gq1": FakeRunPodGraphQL.endpoint(id: "gq1")])
            let ppio = FakeProviderState(endpoints: ["ep-1": FakeEndpointsV2.endpoint(id: "ep-1")])
            let novita = FakeProviderState(endpoints: ["nv1": FakeNovitaV1.endpoint(id: "nv1")])
            let cloud = FakeGPUGeekCloud()
            let gpugeek = FakeProviderState(endpoints: [:])
            // Six requests at two per worker: three workers everywhere while the daemon runs.
            let metrics = FakeProviderState(endpoints: [:])
            for id in ["gq1", "ep-1", "nv1", "pool"] { await metrics.setHealth(id, ["queue": ["waiting": 4, "running": 2]]) }
            let environment = [
                "KEY_RUNPOD": FakeRunPodGraphQL.apiKey, "KEY_PPIO": FakeEndpointsV2.apiKey, "KEY_NOVITA": FakeNovitaV1.apiKey,
                "KEY_GPUGEEK": FakeGPUGeekCloud.token,
            ]

            try await withFakeServer(FakeRunPodGraphQL.router(runpod)) { runpodURL in
            try await withFakeServer(FakeEndpointsV2.router(ppio)) { ppioURL in
            try await withFakeServer(FakeNovitaV1.router(novita)) { novitaURL in
            try await withFakeServer(FakeGPUGeek.router(cloud, gpugeek)) { gpugeekURL in
            try await withFakeServer(FakeMetrics.router(metrics)) { metricsURL in
                func endpoint(_ name: String, provider: String, id: String, extra: String = "") -> String {
                    """
                      - name: \(name)
                        provider: \(provider)
                        id: \(id)\(extra)
                        metrics: { source: http, url: "\(metricsURL)/metrics/\(id)", queued: /queue/waiting, in_flight: /queue/running }
                        policy: { type: concurrency, value: 2, min_replicas: 1, max_replicas: 4, idle_timeout: 60s }
                    """
                }
                let config = """
                    tick: 1s
                    on_stop: release
                    journal: { path: journal.sqlite }
                    admin: { listen: "127.0.0.1:0" }
                    providers:
                      - { name: rp, kind: runpod, api: graphql, base_url: "\(runpodURL)", api_key: env:KEY_RUNPOD, rate_limit: 50, timeout: 400ms }
                      - { name: pp, kind: ppio, base_url: "\(ppioURL)", api_key: env:KEY_PPIO, rate_limit: 50, timeout: 400ms }
                      - { name: nv, kind: novita, api: v1, base_url: "\(novitaURL)", api_key: env:KEY_NOVITA, rate_limit: 50, timeout: 400ms }
                      - { name: gg, kind: gpugeek, base_url: "\(gpugeekURL)", api_key: env:KEY_GPUGEEK, rate_limit: 50, timeout: 400ms }
                    endpoints:
                    \(endpoint("runpod", provider: "rp", id: "gq1"))
                    \(endpoint("ppio", provider: "pp", id: "ep-1"))
                    \(endpoint("novita", provider: "nv", id: "nv1"))
                    \(endpoint("pool", provider: "gg", id: "pool", extra: "\n    instance: { gpu_name: G40-24G, gpu_num: 1, image_id: torch2.1.1-cuda12.1.0-py3.10, sku_name: payg, http_ports: [8080] }"))
                    """
                let configPath = directory.appendingPathComponent("scalerd.yaml").path
                try config.write(toFile: configPath, atomically: true, encoding: .utf8)
                let check = try await runScalerd(["check", "--config", configPath], in: directory, environment: environment)
                #expect(check.status == 0 && check.stdout.contains("on_stop: release"), "\(check.stdout)\(check.stderr)")

                let daemon = try DaemonProcess(arguments: ["run", "--config", configPath], directory: directory, environment: environment)
                func poolSize() async -> Int {
                    await cloud.instances.values.filter { $0.name.hasPrefix("scalerd-pool-") && $0.status == "running" }.count
                }
                let scaled = await DaemonProcess.eventually(within: 30) {
                    let runpodMin = await runpod.endpoint("gq1")?["workersMin"]?.int
                    let ppioMin = await ppio.endpoint("ep-1")?["worker_config"]?["min_replicas"]?.int
                    let novitaMin = await novita.endpoint("nv1")?["workerConfig"]?["minNum"]?.int
                    let pool = await poolSize()
                    return runpodMin == 3 && ppioMin == 3 && novitaMin == 3 && pool == 3
                }
                #expect(scaled, "every provider ran three first: \(daemon.stderr)")

                // Novita stops answering: every request from now on outlasts the stop's 4 s budget.
                let held = HeldAnswers()
                defer { held.release() }
                await novita.inject(contentsOf: Array(repeating: .unanswered(until: held), count: 6))
                try await Task.sleep(for: .milliseconds(200))
                let signalled = ContinuousClock.now
                daemon.signal(SIGTERM)
                let status = await daemon.waitForExit(within: 20)
                let stopTook = ContinuousClock.now - signalled
                #expect(status == 0, "\(daemon.stderr)")
                // The tick in flight (its deadline 40% of the 1 s tick), then at most the 4 s hand-back budget.
                #expect(stopTook < .seconds(8), "the stop took \(stopTook) with one provider not answering")
                print("stop took \(stopTook)")

                #expect(await runpod.endpoint("gq1")?["workersMin"]?.int == 1)
                #expect(await ppio.endpoint("ep-1")?["worker_config"]?["min_replicas"]?.int == 1)
                #expect(await poolSize() == 1, "the pool is released down to min_replicas")
                #expect(await novita.endpoint("nv1")?["workerConfig"]?["minNum"]?.int == 3, "the provider that did not answer keeps its floor")
                #expect(await runpod.endpoint("gq1")?["workersMax"]?.int == 4, "the provider's own scaler carries it between min and max")

                let events = try JournalReader(path: directory.appendingPathComponent("journal.sqlite").path).daemonEvents()
                let stop = try #require(events.last)
                #expect(stop.event == .stop)
                let detail = try #require(DaemonEvent.StopDetail(detail: stop.detail))
                let byEndpoint = Dictionary(uniqueKeysWithValues: detail.endpoints.map { ($0.endpoint, $0) })
                for name in ["runpod", "ppio", "pool"] {
                    #expect(byEndpoint[name]?.action == .released && byEndpoint[name]?.pushedMinReplicas == 1 && byEndpoint[name]?.outcome == .ok,
                            "\(name): \(String(describing: byEndpoint[name]))")
                }
                let hung = try #require(byEndpoint["novita"])
                #expect(hung.action == .released && hung.outcome == .error && hung.errorKind == .timeout, "\(hung)")
                #expect(daemon.stderr.contains("could not set the floor to 1"))
                for key in environment.values { #expect(!stop.detail.contains(key) && !daemon.stderr.contains(key)) }
            }
            }
            }
            }
            }
        }
    }
}
