import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ScalerJournal
import ScalerTestSupport
import Testing

/// The admin API on its token-less loopback default, as a web page the operator visits would try
/// it, and under a crowd of idle connections.
extension ChildProcesses {
    @Suite struct AdminHardening {
        private func send(_ url: String, method: HTTPMethod = .GET, headers: [(String, String)] = []) async throws -> Int {
            var request = HTTPClientRequest(url: url)
            request.method = method
            for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
            let response = try await sharedTestClient.execute(request, timeout: .seconds(5))
            _ = try await response.body.collect(upTo: 1 << 20)
            return Int(response.status.code)
        }

        @Test func aWebPageCanNeitherActNorReadThroughTheAPI() async throws {
            let directory = try scratchDirectory("admin-browser")
            defer { try? FileManager.default.removeItem(at: directory) }
            let port = try FreePort.find()
            try """
                tick: 250ms
                journal: { path: journal.sqlite }
                admin: { listen: "127.0.0.1:\(port)" }
                providers: [{ name: sim, kind: simulated }]
                endpoints:
                  - { name: chat, provider: sim, id: c1, policy: { type: concurrency, value: 1, max_replicas: 5 } }
                """.write(toFile: directory.appendingPathComponent("scalerd.yaml").path, atomically: true, encoding: .utf8)
            let daemon = try DaemonProcess(arguments: ["run", "--config", directory.appendingPathComponent("scalerd.yaml").path], directory: directory)
            let base = "http://127.0.0.1:\(port)"
            #expect(await DaemonProcess.eventually(within: 20) { (try? await send("\(base)/readyz")) == 200 }, "\(daemon.stderr)")

            let pause = "\(base)/v1/endpoints/chat/pause"
            #expect(try await send(pause, method: .POST, headers: [("Content-Type", "text/plain")]) == 415, "a form or text/plain POST")
            #expect(try await send(pause, method: .POST) == 415, "a POST that does not say it is JSON")
            #expect(try await send(pause, method: .POST, headers: [("Content-Type", "application/json"), ("Origin", "http://evil.example")]) == 403)
            #expect(try await send("\(base)/v1/endpoints", headers: [("Host", "evil.example:\(port)")]) == 421, "DNS rebinding")
            #expect(try await send("\(base)/metrics", headers: [("Host", "rebind.evil.example")]) == 421)
            #expect(try await send("\(base)/v1/endpoints", headers: [("Origin", "http://127.0.0.1:\(port)")]) == 200, "the API's own origin")
            #expect(try await send("\(base)/v1/endpoints", headers: [("Host", "localhost:\(port)")]) == 200)
            #expect(try JournalReader(path: directory.appendingPathComponent("journal.sqlite").path).entries(JournalQuery())
                .allSatisfy { $0.outcome != .skipped }, "nothing was paused")
            #expect(try await send(pause, method: .POST, headers: [("Content-Type", "application/json")]) == 200, "the operator's own request")
            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit(within: 15) == 0)
        }

        @Test func twoThousandIdleAdminConnectionsDoNotStarveTheProviderClients() async throws {
            let directory = try scratchDirectory("admin-crowd")
            defer { try? FileManager.default.removeItem(at: directory) }
            let state = FakeProviderState(endpoints: ["ep-1": FakeEndpointsV2.endpoint(id: "ep-1", min: 1, max: 8)])
            let metrics = FakeProviderState(endpoints: [:])
            await metrics.setHealth("ep-1", ["queue": ["waiting": 0, "running": 1]])
            try await withFakeServer(FakeEndpointsV2.router(state)) { providerURL in
                try await withFakeServer(FakeMetrics.router(metrics)) { metricsURL in
                    try await crowd(directory: directory, providerURL: providerURL, metricsURL: metricsURL, state: state, metrics: metrics)
                }
            }
        }

        private func crowd(directory: URL, providerURL: String, metricsURL: String, state: FakeProviderState, metrics: FakeProviderState) async throws {
            let port = try FreePort.find()
            let configPath = directory.appendingPathComponent("scalerd.yaml").path
            let policy = "{ type: concurrency, value: 1, min_replicas: 1, max_replicas: 8, scale_down: { stabilization: 0s } }"
            try ("tick: 250ms\njournal: { path: journal.sqlite }\nadmin: { listen: \"127.0.0.1:\(port)\" }\n"
                + FakeEndpointsV2.config(providerURL: providerURL, metricsURL: metricsURL, policy: policy))
                .write(toFile: configPath, atomically: true, encoding: .utf8)
            let daemon = try DaemonProcess(arguments: ["run", "--config", configPath], directory: directory, environment: ["KEY": FakeEndpointsV2.apiKey])
            let pid = daemon.process.processIdentifier
            #expect(await DaemonProcess.eventually(within: 20) { (try? await send("http://127.0.0.1:\(port)/readyz")) == 200 }, "\(daemon.stderr)")
            let baseline = openFiles(pid: pid)

            let idle = IdleConnections(port: port, count: 2_000)
            #expect(idle.sockets.count == 2_000)
            try await Task.sleep(for: .milliseconds(500))
            await metrics.setHealth("ep-1", ["queue": ["waiting": 4, "running": 2]])
            let scaled = await DaemonProcess.eventually(within: 15) { await state.endpoint("ep-1")?["worker_config"]?["min_replicas"]?.int == 6 }
            #expect(scaled, "the provider client still reaches the provider: \(daemon.stderr.suffix(2000))")
            let during = openFiles(pid: pid)
            #expect(during <= baseline + 80, "at most the admin API's 64 connections more: \(baseline) -> \(during)")
            idle.close()
            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit(within: 15) == 0)
        }
    }
}
