import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ScalerJournal
import ScalerTestSupport
import Testing

/// The admin API of a running daemon, asked over HTTP as an operator or supervisor would.
extension ChildProcesses {
    @Suite struct AdminAPIRoutes {
        private func get(_ url: String, token: String? = nil, method: HTTPMethod = .GET, body: String? = nil) async throws -> (status: Int, body: String) {
            var request = HTTPClientRequest(url: url)
            request.method = method
            if method == .POST { request.headers.add(name: "Content-Type", value: "application/json") }
            if let body { request.body = .bytes(ByteBuffer(string: body)) }
            if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
            let response = try await sharedTestClient.execute(request, timeout: .seconds(5))
            let body = try await response.body.collect(upTo: 1 << 20)
            return (Int(response.status.code), String(buffer: body))
        }

        /// A scratch directory with `config` written in it, and the daemon running on it.
        private func launch(_ config: String, environment: [String: String] = [:]) throws -> (daemon: DaemonProcess, directory: URL, configPath: String) {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("scalerd-admin-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let configPath = directory.appendingPathComponent("scalerd.yaml").path
            try config.write(toFile: configPath, atomically: true, encoding: .utf8)
            let daemon = try DaemonProcess(arguments: ["run", "--config", configPath], directory: directory, environment: environment)
            return (daemon, directory, configPath)
        }

        /// The top of a test config: a quick tick, a journal, and the admin API on `port`.
        private func header(port: Int, tokenVariable: String? = nil) -> String {
            let token = tokenVariable.map { ", token: env:\($0)" } ?? ""
            return """
                tick: 250ms
                journal: { path: journal.sqlite }
                admin: { listen: "127.0.0.1:\(port)"\(token) }
                """
        }

        /// Waits until the daemon at `base` has completed its first tick.
        private func ready(_ base: String, token: String? = nil) async -> Bool {
            await DaemonProcess.eventually(within: 20) { (try? await get("\(base)/readyz", token: token))?.status == 200 }
        }

        @Test func everyRouteAnswersAndTheTokenGuardsAllButHealthAndMetrics() async throws {
            let port = try FreePort.find()
            let token = "admin_token_for_tests_9f8e"
            let config = header(port: port, tokenVariable: "SCALERD_TEST_ADMIN_TOKEN") + """

                providers:
                  - { name: sim, kind: simulated, simulation: { cold_start: 0s, peak_rps: 20, cycle: 10s } }
                endpoints:
                  - { name: chat, provider: sim, id: sim-chat, policy: { type: concurrency, value: 1, max_replicas: 5 } }
                """
            let (daemon, directory, configPath) = try launch(config, environment: ["SCALERD_TEST_ADMIN_TOKEN": token])
            defer { try? FileManager.default.removeItem(at: directory) }
            let base = "http://127.0.0.1:\(port)"

            let healthy = await DaemonProcess.eventually(within: 20) { (try? await get("\(base)/healthz"))?.status == 200 }
            #expect(healthy, "\(daemon.stderr)")
            #expect(try await get("\(base)/readyz", token: token).status == 200)

            let refused = try await get("\(base)/v1/endpoints")
            #expect(refused.status == 401)
            #expect(try await get("\(base)/v1/endpoints", token: "wrong").status == 401)

            let listed = try await get("\(base)/v1/endpoints", token: token)
            #expect(listed.status == 200)
            let endpoints = try #require(try JSONSerialization.jsonObject(with: Data(listed.body.utf8)) as? [[String: Any]])
            #expect(endpoints.map { $0["name"] as? String } == ["chat"])
            let one = try await get("\(base)/v1/endpoints/chat", token: token)
            let view = try #require(try JSONSerialization.jsonObject(with: Data(one.body.utf8)) as? [String: Any])
            let last = try #require(view["last"] as? [String: Any], "the latest decision is shown: \(one.body)")
            #expect(last["reason"] is String)
            #expect(view["policy_version"] is String)
            let learned = try #require(view["learned"] as? [String: Any], "what scalerd learned is shown: \(one.body)")
            #expect(learned["idle_timeout"] as? Double == 300)
            #expect(try await get("\(base)/v1/endpoints/nope", token: token).status == 404)

            // A reload through the API answers with its outcome: applied, or refused with every reason.
            try config.replacingOccurrences(of: "max_replicas: 5", with: "max_replicas: 6").write(toFile: configPath, atomically: true, encoding: .utf8)
            let applied = try await get("\(base)/v1/reload", token: token, method: .POST)
            #expect(applied.status == 200, "\(applied.body)")
            #expect(applied.body.contains("\"applied\" : true"))
            try config.replacingOccurrences(of: "max_replicas: 5", with: "max_replicas: 0").write(toFile: configPath, atomically: true, encoding: .utf8)
            let refused2 = try await get("\(base)/v1/reload", token: token, method: .POST)
            #expect(refused2.status == 422)
            #expect(refused2.body.contains("endpoints[0].policy.max_replicas"))
            #expect(try await get("\(base)/v1/reload", method: .POST).status == 401)

            // The same through the command line, as systemd's ExecReload and an operator use it.
            let environment = ["SCALERD_TEST_ADMIN_TOKEN": token]
            let status = try await runScalerd(["status", "--config", configPath], in: directory, environment: environment)
            #expect(status.status == 0, "\(status.stderr)")
            #expect(status.stdout.contains("chat") && status.stdout.contains("ENDPOINT"))
            let badReload = try await runScalerd(["reload", "--config", configPath], in: directory, environment: environment)
            #expect(badReload.status == 78)
            #expect(badReload.stderr.contains("endpoints[0].policy.max_replicas"))
            try config.write(toFile: configPath, atomically: true, encoding: .utf8)
            let goodReload = try await runScalerd(["reload", "--config", configPath], in: directory, environment: environment)
            #expect(goodReload.status == 0, "\(goodReload.stderr)")

            // Prometheus series, open without the token, and scraped cleanly by a real Prometheus.
            let exposition = try await get("\(base)/metrics")
            #expect(exposition.status == 200)
            for series in [
                #"scalerd_endpoint_desired_replicas{endpoint="chat"}"#, #"scalerd_decisions_total{endpoint="chat""#,
                "scalerd_tick_duration_seconds_bucket", "scalerd_journal_write_seconds_count", #"scalerd_config_reloads_total{result="applied"}"#,
                #"scalerd_config_reloads_total{result="refused"}"#, "scalerd_config_generation",
            ] {
                #expect(exposition.body.contains(series), "\(series)")
            }
            let prometheus = try PrometheusServer(scraping: "127.0.0.1:\(port)")
            #expect(await prometheus.waitForSample(of: #"scalerd_decisions_total{endpoint="chat"}"#), "Prometheus scraped the daemon")
            #expect(await prometheus.waitForSample(of: #"up{job="exporter"} == 1"#), "the scrape is healthy")

            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit(within: 15) == 0, "\(daemon.stderr)")
            #expect(!daemon.stderr.contains(token))
        }

        @Test func pushedSamplesDriveDecisionsAndBadPushesAreRefusedWhole() async throws {
            let port = try FreePort.find()
            let token = "push_token_for_tests_77"
            let config = header(port: port, tokenVariable: "SCALERD_TEST_PUSH_TOKEN") + """

                providers:
                  - { name: sim, kind: simulated, simulation: { peak_rps: 0.001, cycle: 1d } }
                endpoints:
                  - { name: pushed, provider: sim, id: p1, metrics: { source: push, ttl: 30s }, policy: { type: concurrency, value: 1, max_replicas: 5 } }
                  - { name: other, provider: sim, id: p2, policy: { type: concurrency, value: 1, max_replicas: 5 } }
                """
            let (daemon, directory, _) = try launch(config, environment: ["SCALERD_TEST_PUSH_TOKEN": token])
            defer { try? FileManager.default.removeItem(at: directory) }
            let base = "http://127.0.0.1:\(port)"
            #expect(await ready(base, token: token), "\(daemon.stderr)")
            let push = "\(base)/v1/endpoints/pushed/metrics"

            for (body, expected) in [
                ("{\"queued\": ", 400), ("{\"queued\": -3}", 400), ("{\"queued\": NaN}", 400), ("{\"queue_depth\": 3}", 400),
                ("{\"queued\": 2.5}", 400), ("{}", 400), ("[6]", 400),
            ] {
                #expect(try await get(push, token: token, method: .POST, body: body).status == expected, "\(body)")
            }
            #expect(try await get("\(base)/v1/endpoints/nope/metrics", token: token, method: .POST, body: "{\"queued\": 6}").status == 404)
            #expect(try await get("\(base)/v1/endpoints/other/metrics", token: token, method: .POST, body: "{\"queued\": 6}").status == 409)
            #expect(try await get(push, method: .POST, body: "{\"queued\": 6}").status == 401)
            try await Task.sleep(for: .milliseconds(600))
            let journalPath = directory.appendingPathComponent("journal.sqlite").path
            let before = try JournalReader(path: journalPath).entries(JournalQuery(endpoint: "pushed"))
            #expect(before.allSatisfy { $0.metricStatus == .missing && $0.queued == nil }, "no bad push was recorded")

            #expect(try await get(push, token: token, method: .POST, body: "{\"queued\": 6, \"in_flight\": 0}").status == 202)
            let scaled = await DaemonProcess.eventually(within: 10) {
                (try? JournalReader(path: journalPath).entries(JournalQuery(endpoint: "pushed")))?.contains { $0.queued == 6 && $0.desired == 5 } == true
            }
            #expect(scaled, "the pushed sample drove a decision, capped at max_replicas")

            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit(within: 15) == 0, "\(daemon.stderr)")
        }

        @Test func aPausedEndpointIsDecidedButNotPushedAndStaysPausedAcrossRestarts() async throws {
            let port = try FreePort.find()
            let config = header(port: port) + """

                providers:
                  - { name: sim, kind: simulated, simulation: { cold_start: 0s, peak_rps: 30, cycle: 4s } }
                endpoints:
                  - { name: chat, provider: sim, id: c1, policy: { type: concurrency, value: 1, max_replicas: 5 } }
                """
            var (daemon, directory, configPath) = try launch(config)
            defer { try? FileManager.default.removeItem(at: directory) }
            let journalPath = directory.appendingPathComponent("journal.sqlite").path
            let base = "http://127.0.0.1:\(port)"
            #expect(await ready(base), "\(daemon.stderr)")
            #expect(try await get("\(base)/v1/endpoints/chat/pause", method: .POST).status == 200)
            #expect(try await get("\(base)/v1/endpoints/nope/pause", method: .POST).status == 404)
            let pausedRows = await DaemonProcess.eventually(within: 10) {
                (try? JournalReader(path: journalPath).entries(JournalQuery(endpoint: "chat")))?.contains {
                    $0.outcome == .skipped && $0.errorMessage == "paused by an operator" && $0.action == .scaleUp
                } == true
            }
            #expect(pausedRows, "decided, journalled, not pushed")
            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit(within: 15) == 0)

            daemon = try DaemonProcess(arguments: ["run", "--config", configPath], directory: directory)
            #expect(await ready(base), "\(daemon.stderr)")
            #expect(try await get("\(base)/v1/endpoints/chat").body.contains("\"paused\" : true"), "still paused after a restart")
            #expect(try await get("\(base)/v1/endpoints/chat/resume", method: .POST).status == 200)
            let acting = await DaemonProcess.eventually(within: 10) {
                (try? JournalReader(path: journalPath).entries(JournalQuery(endpoint: "chat", limit: 3)))?.contains { $0.outcome == .ok } == true
            }
            #expect(acting, "acting again after resume")
            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit(within: 15) == 0)
        }

        @Test func theAdminAPIServesAUnixSocketToo() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("scalerd-sock-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let socket = directory.appendingPathComponent("admin.sock").path
            let config = """
                tick: 250ms
                journal: { path: journal.sqlite }
                admin: { listen: "unix:\(socket)" }
                providers:
                  - { name: sim, kind: simulated }
                endpoints:
                  - { name: chat, provider: sim, id: c1, policy: { type: concurrency, value: 1, max_replicas: 5 } }
                """
            let configPath = directory.appendingPathComponent("scalerd.yaml").path
            try config.write(toFile: configPath, atomically: true, encoding: .utf8)
            let daemon = try DaemonProcess(arguments: ["run", "--config", configPath], directory: directory)
            let answered = await DaemonProcess.eventually(within: 20) {
                (try? await runScalerd(["status", "--config", configPath], in: directory))?.stdout.contains("chat") == true
            }
            #expect(answered, "scalerd status reached the daemon over its socket: \(daemon.stderr)")
            let mode = try FileManager.default.attributesOfItem(atPath: socket)[.posixPermissions] as? Int
            #expect(mode == 0o660, "the socket's owner and group may use it, no one else")
            #expect(try await runScalerd(["reload", "--config", configPath], in: directory).status == 0, "a POST over the socket says it is JSON")
            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit(within: 15) == 0)
        }

        @Test func aTakenAdminAddressStopsTheDaemonWithAClearError() async throws {
            let port = try FreePort.find()
            let config = header(port: port) + """

                providers:
                  - { name: sim, kind: simulated }
                endpoints:
                  - { name: chat, provider: sim, id: c1, policy: { type: concurrency, value: 1, max_replicas: 5 } }
                """
            let first = try launch(config)
            defer { try? FileManager.default.removeItem(at: first.directory) }
            #expect(await ready("http://127.0.0.1:\(port)"))
            let second = try launch(config)
            defer { try? FileManager.default.removeItem(at: second.directory) }
            let status = await second.daemon.waitForExit(within: 15)
            #expect(status == 1, "an error exit, not a crash: \(second.daemon.stderr)")
            #expect(second.daemon.stderr.contains("admin API cannot serve 127.0.0.1:\(port) (admin.listen)"))
            first.daemon.signal(SIGTERM)
            #expect(await first.daemon.waitForExit(within: 15) == 0)
        }
    }
}
