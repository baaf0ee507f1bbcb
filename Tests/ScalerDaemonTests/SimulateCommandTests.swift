import Foundation
import ScalerTestSupport
import Testing

/// `scalerd simulate` as an operator runs it: a config, a trace file, a report.
extension ChildProcesses {
    @Suite struct SimulateCommand {
        private static let config = """
            tick: 5s
            journal: { path: /var/lib/elsewhere/journal.sqlite }
            providers:
              - { name: rp, kind: runpod, api_key: "env:SCALERD_TEST_KEY_NEVER_SET" }
            endpoints:
              - name: chat
                provider: rp
                id: abc
                policy: { type: queue, value: 2, max_replicas: 10, max_concurrent_per_worker: 2 }

            """

        private func workspace() throws -> URL {
            let directory = try scratchDirectory("sim")
            try Self.config.write(to: directory.appendingPathComponent("scalerd.yaml"), atomically: true, encoding: .utf8)
            let arrivals = (0..<300).map { "\(Double($0) * 0.4),\(1 + Double($0 % 7))" }.joined(separator: "\n")
            try ("arrival,service_time\n" + arrivals + "\n").write(to: directory.appendingPathComponent("trace.csv"), atomically: true, encoding: .utf8)
            return directory
        }

        @Test func aProductionConfigSimulatesOfflineAndEveryPolicyIsReported() async throws {
            let directory = try workspace()
            defer { try? FileManager.default.removeItem(at: directory) }
            // Neither the secret nor the journal directory exists here: simulate needs only the policy.
            let result = try await runScalerd(["simulate", "-c", "scalerd.yaml", "--trace", "trace.csv", "--format", "json"], in: directory)
            #expect(result.status == 0, "\(result.stderr)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let names = (report["policies"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            #expect(names == ["scalerd", "static-peak", "k8s-hpa", "knative-kpa", "runpod-queue-delay", "runpod-request-count", "ray-serve"])
            #expect(report["requests"] as? Int == 300)
            let opt = try #require((report["clairvoyant"] as? [String: Any])?["workerSeconds"] as? Double)
            let policies = try #require(report["policies"] as? [[String: Any]])
            for policy in policies {
                let ratio = try #require(policy["clairvoyantRatio"] as? Double)
                let workerSeconds = try #require(policy["workerSeconds"] as? Double)
                #expect(abs(ratio * opt - workerSeconds) < 0.5, "x OPT is worker-seconds over OPT")
            }
        }

        @Test func theSameInvocationPrintsTheSameReport() async throws {
            let directory = try workspace()
            defer { try? FileManager.default.removeItem(at: directory) }
            let arguments = ["simulate", "-c", "scalerd.yaml", "--trace", "trace.csv", "--cold-start", "10s-40s", "--seed", "5"]
            let first = try await runScalerd(arguments, in: directory)
            let second = try await runScalerd(arguments, in: directory)
            #expect(first.status == 0 && first.stdout == second.stdout)
            #expect(first.stdout.contains("cold start 10-40s, 2 concurrent per worker"))
        }

        @Test func aMalformedTraceIsRefusedWithItsLine() async throws {
            let directory = try workspace()
            defer { try? FileManager.default.removeItem(at: directory) }
            try "arrival\n1\n2\nlater\n".write(to: directory.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
            let result = try await runScalerd(["simulate", "-c", "scalerd.yaml", "--trace", "bad.csv"], in: directory)
            #expect(result.status == 1)
            #expect(result.stderr == "scalerd: bad.csv:4: arrival 'later' is not a number of seconds, 0 or more\n")
        }

        @Test func anUnknownEndpointOrPolicyIsNamed() async throws {
            let directory = try workspace()
            defer { try? FileManager.default.removeItem(at: directory) }
            let endpoint = try await runScalerd(["simulate", "-c", "scalerd.yaml", "--endpoint", "chta", "--bursty", "10m"], in: directory)
            #expect(endpoint.stderr.contains("no endpoint named 'chta' (the file has: chat)"))
            let policy = try await runScalerd(["simulate", "-c", "scalerd.yaml", "--bursty", "10m", "--policies", "scalerd,hpa"], in: directory)
            #expect(policy.stderr.contains("--policies: unknown hpa"))
        }

        @Test func theHTMLReportRendersInAHeadlessBrowser() async throws {
            let directory = try workspace()
            defer { try? FileManager.default.removeItem(at: directory) }
            let result = try await runScalerd(["simulate", "-c", "scalerd.yaml", "--trace", "trace.csv", "--report", "report.html"], in: directory)
            #expect(result.status == 0, "\(result.stderr)")
            let html = try String(contentsOf: directory.appendingPathComponent("report.html"), encoding: .utf8)
            #expect(html.components(separatedBy: "<section class=\"policy\"").count == 8)
            #expect(html.components(separatedBy: "<svg ").count == 1 + 7 * 3)
            #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("<link"), "self-contained: nothing to fetch")

            let browser = try #require(HeadlessChromium.find(), "Chromium is needed to check the report (.ci/run installs it)")
            let dom = try await browser.dumpDOM(of: directory.appendingPathComponent("report.html"))
            #expect(dom.contains("<table id=\"summary\">") && dom.contains("ray-serve"))
            let screenshot = directory.appendingPathComponent("report.png")
            try await browser.screenshot(of: directory.appendingPathComponent("report.html"), to: screenshot)
            let png = try Data(contentsOf: screenshot)
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
            #expect(png.count > 20_000, "a blank page compresses to a few kilobytes; charts and the table do not")
        }

        @Test func everyDecisionOfTheScalerdPolicyIsWrittenWithWhatItSaw() async throws {
            let directory = try workspace()
            defer { try? FileManager.default.removeItem(at: directory) }
            let result = try await runScalerd(["simulate", "-c", "scalerd.yaml", "--trace", "trace.csv", "--policies", "scalerd", "--decisions", "decisions.jsonl"], in: directory)
            #expect(result.status == 0, "\(result.stderr)")
            let lines = try String(contentsOf: directory.appendingPathComponent("decisions.jsonl"), encoding: .utf8).split(separator: "\n")
            let decisions = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
            // 300 requests 0.4 s apart end near 120 s: about one decision per 5 s tick.
            #expect((24...40).contains(decisions.count))
            #expect(decisions.first?["time"] as? Double == 0)
            #expect(decisions.allSatisfy { $0["reason"] is String && $0["desired_replicas"] is Int && $0["queue_delay"] is Double })
            #expect(decisions.contains { ($0["reason"] as? String)?.hasPrefix("scale up") == true })
        }

        @Test func aScheduleOpensAtItsLocalTimeFromTheGivenStart() async throws {
            let directory = try workspace()
            defer { try? FileManager.default.removeItem(at: directory) }
            let scheduled = Self.config.replacing(
                "max_concurrent_per_worker: 2 }",
                with: "max_concurrent_per_worker: 2, schedules: [{ name: mornings, start: \"09:00\", end: \"10:00\", time_zone: Asia/Shanghai, min_replicas: 4 }] }"
            )
            try scheduled.write(to: directory.appendingPathComponent("scalerd.yaml"), atomically: true, encoding: .utf8)
            func firstDesired(start: String) async throws -> Int? {
                let result = try await runScalerd(["simulate", "-c", "scalerd.yaml", "--trace", "trace.csv", "--policies", "scalerd", "--start", start, "--decisions", "d.jsonl"], in: directory)
                #expect(result.status == 0, "\(result.stderr)")
                let first = try String(contentsOf: directory.appendingPathComponent("d.jsonl"), encoding: .utf8).split(separator: "\n")[0]
                return (try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])?["desired_replicas"] as? Int
            }
            #expect(try await firstDesired(start: "2026-03-09T01:00:00Z") == 4, "09:00 in Shanghai")
            #expect(try await firstDesired(start: "2026-03-09T03:00:00Z") == 1, "11:00 in Shanghai")
            let bad = try await runScalerd(["simulate", "-c", "scalerd.yaml", "--trace", "trace.csv", "--start", "tomorrow"], in: directory)
            #expect(bad.stderr == "scalerd: --start: 'tomorrow' is not an ISO 8601 instant such as 2026-03-09T00:00:00Z\n")
        }

        @Test func aCandidatePolicyRunsBesideTheEndpointsOwnAndEachIsJudgedAgainstTheBaselines() async throws {
            let directory = try workspace()
            defer { try? FileManager.default.removeItem(at: directory) }
            let candidate = Self.config.replacing("name: chat", with: "name: other")
                .replacing("max_concurrent_per_worker: 2 }", with: "max_concurrent_per_worker: 2, look_ahead: {}, adaptive_idle_timeout: {} }")
            try candidate.write(to: directory.appendingPathComponent("look-ahead.yaml"), atomically: true, encoding: .utf8)
            let result = try await runScalerd(["simulate", "-c", "scalerd.yaml", "--trace", "trace.csv", "--candidate", "look-ahead.yaml", "--policies", "scalerd,k8s-hpa"], in: directory)
            #expect(result.status == 0, "\(result.stderr)")
            let rows = result.stdout.split(separator: "\n").map { $0.split(separator: " ").first.map(String.init) ?? "" }
            #expect(rows.contains("look-ahead"))
            #expect(result.stdout.contains("look-ahead: queue 2s queue delay, replicas 0-10, adaptive idle timeout 30-900s"))
            #expect(result.stdout.contains("  scalerd is ") && result.stdout.contains("  look-ahead is "))
            #expect(result.stdout.contains(" k8s-hpa: "))

            try candidate.write(to: directory.appendingPathComponent("k8s-hpa.yaml"), atomically: true, encoding: .utf8)
            let clash = try await runScalerd(["simulate", "-c", "scalerd.yaml", "--trace", "trace.csv", "--candidate", "k8s-hpa.yaml"], in: directory)
            #expect(clash.stderr == "scalerd: --candidate k8s-hpa.yaml: 'k8s-hpa' already names a policy in the report; rename the file\n")
        }

        @Test func aSweepReportsEachFamilysFrontierAndDrawsThemWithTheBound() async throws {
            let directory = try workspace()
            defer { try? FileManager.default.removeItem(at: directory) }
            let result = try await runScalerd(["simulate", "-c", "scalerd.yaml", "--trace", "trace.csv", "--sweep", "--chart", "frontiers.svg", "--format", "json"], in: directory)
            #expect(result.status == 0, "\(result.stderr)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let families = try #require(report["families"] as? [[String: Any]])
            #expect(families.compactMap { $0["name"] as? String } == ["scalerd", "k8s-hpa", "knative-kpa", "runpod", "ray-serve", "static"])
            for family in families {
                let points = try #require(family["points"] as? [[String: Any]])
                #expect(points.filter { $0["isDefault"] as? Bool == true }.count == 1, "\(family["name"] ?? "")")
                #expect(!(family["frontier"] as? [Any] ?? []).isEmpty)
            }
            #expect((report["comparisons"] as? [Any])?.count == 5)
            let svg = try String(contentsOf: directory.appendingPathComponent("frontiers.svg"), encoding: .utf8)
            #expect(svg.hasPrefix("<svg") && svg.contains(">OPT "))

            let endless = try await runScalerd(["simulate", "-c", "scalerd.yaml", "--diurnal", "1e300", "--sweep"], in: directory)
            #expect(endless.stderr == "scalerd: --diurnal: '1e300' is longer than a synthetic trace may be (30d)\n")
            let refused = try await runScalerd(["simulate", "-c", "scalerd.yaml", "--trace", "trace.csv", "--sweep", "--policies", "scalerd"], in: directory)
            #expect(refused.status != 0 && refused.stderr.contains("--policies is for one run of each policy"), "\(refused.stderr)")
        }

        @Test func tuneWritesAConfigThatChecksAndMeetsTheServiceLevelWhenSimulated() async throws {
            let directory = try workspace()
            defer { try? FileManager.default.removeItem(at: directory) }
            // A config `check` accepts on this host, unlike the workspace's production one.
            let local = Self.config.replacing("/var/lib/elsewhere/journal.sqlite", with: "journal.sqlite")
                .replacing(#"{ name: rp, kind: runpod, api_key: "env:SCALERD_TEST_KEY_NEVER_SET" }"#, with: "{ name: rp, kind: simulated }")
            try local.write(to: directory.appendingPathComponent("local.yaml"), atomically: true, encoding: .utf8)
            let tuned = try await runScalerd(["tune", "-c", "local.yaml", "--trace", "trace.csv", "--slo", "30%", "--write", "tuned.yaml"], in: directory)
            #expect(tuned.status == 0, "\(tuned.stderr)")
            #expect(tuned.stdout.contains("<- cheapest within 30%"))
            #expect(tuned.stdout.contains("policy block for chat, to paste:\n\npolicy:\n"))
            let check = try await runScalerd(["check", "-c", "tuned.yaml"], in: directory)
            #expect(check.status == 0, "\(check.stderr)")
            // Measured against the original's 2 s target: the tuned `value` is a knob, not the SLO.
            let simulated = try await runScalerd(["simulate", "-c", "tuned.yaml", "--trace", "trace.csv", "--delay-target", "2s", "--policies", "scalerd", "--format", "json"], in: directory)
            let report = try #require(try JSONSerialization.jsonObject(with: Data(simulated.stdout.utf8)) as? [String: Any])
            let over = try #require((report["policies"] as? [[String: Any]])?.first?["overTarget"] as? Double)
            #expect(over <= 0.30)

            let unreachable = try await runScalerd(["tune", "-c", "scalerd.yaml", "--trace", "trace.csv", "--slo", "0.1%"], in: directory)
            #expect(unreachable.status != 0 && unreachable.stderr.contains("the search kept up to 4 workers warm (the trace needs 6 at its peak)"), "\(unreachable.stderr)")

            let badLevel = try await runScalerd(["tune", "-c", "scalerd.yaml", "--trace", "trace.csv", "--slo", "150%"], in: directory)
            #expect(badLevel.stderr == "scalerd: --slo: '150%' is not a share of requests such as 1% or 0.01\n")
        }

        @Test func aWorkerModelPastADayOrAMillionSlotsIsRefusedWithItsOption() async throws {
            let directory = try workspace()
            defer { try? FileManager.default.removeItem(at: directory) }
            let slots = try await runScalerd(["simulate", "-c", "scalerd.yaml", "--trace", "trace.csv", "--concurrency", "9223372036854775807"], in: directory)
            #expect(slots.stderr == "scalerd: --concurrency must be from 1 to 1000000\n")
            let start = try await runScalerd(["simulate", "-c", "scalerd.yaml", "--trace", "trace.csv", "--cold-start", "9223372036854775807s"], in: directory)
            #expect(start.stderr == "scalerd: --cold-start: 9.223372036854776e+18s is longer than a worker model allows (1d)\n")
        }
    }
}
