import Foundation
import ScalerConfig
import ScalerProviders
import ScalerCore
import Testing

/// Each broken file is refused with the file, the key path and the reason, and the journal is
/// never created.
@Suite struct BadConfigIsRefused {
    private func refuse(
        _ edit: (String) -> String, environment: [String: String] = ConfigFixture.environment,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [ConfigIssue] {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let issues = try fixture.issues(edit(fixture.validYAML()), environment: environment)
        #expect(!issues.isEmpty, "the file should be refused", sourceLocation: sourceLocation)
        for issue in issues {
            #expect(issue.file.hasSuffix("scalerd.yaml"), sourceLocation: sourceLocation)
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.journalPath), "the journal must not be created", sourceLocation: sourceLocation)
        return issues
    }

    @Test func missingFile() throws {
        #expect(throws: ConfigError.self) { try ConfigLoader(catalog: ProviderModules.catalog).load(file: "/nonexistent/scalerd.yaml") }
        do {
            _ = try ConfigLoader(catalog: ProviderModules.catalog).load(file: "/nonexistent/scalerd.yaml")
        } catch {
            #expect(error.description.contains("/nonexistent/scalerd.yaml: no such file"))
        }
    }

    @Test func yamlSyntaxErrorNamesTheLine() throws {
        let issues = try refuse { $0.replacing("log: { level: info, format: json }", with: "log: { level: info, format: json") }
        #expect(issues.count == 1)
        #expect(issues[0].line != nil)
        #expect(issues[0].message.contains("YAML syntax error"))
    }

    @Test func unknownKeySuggestsTheNearestValidOne() throws {
        let issues = try refuse { $0.replacing("min_replicas: 0", with: "min_replica: 0") }
        #expect(issues.map(\.keyPath) == ["endpoints[0].policy.min_replica"])
        #expect(issues[0].message.contains("did you mean 'min_replicas'?"))
        #expect(issues[0].line == 19)
    }

    @Test func wrongType() throws {
        let issues = try refuse { $0.replacing("max_replicas: 10", with: "max_replicas: ten") }
        #expect(issues.map(\.keyPath) == ["endpoints[0].policy.max_replicas"])
        #expect(issues[0].message.contains("expected a whole number"))
    }

    @Test func minAboveMax() throws {
        let issues = try refuse { $0.replacing("min_replicas: 0", with: "min_replicas: 12") }
        #expect(issues.map(\.keyPath) == ["endpoints[0].policy.max_replicas"])
        #expect(issues[0].message.contains("below min_replicas 12"))
    }

    @Test(arguments: [
        ("value: 4", "value: 0", "endpoints[0].policy.value"),
        ("value: 4", "value: -2", "endpoints[0].policy.value"),
        ("max_replicas: 10", "max_replicas: 0", "endpoints[0].policy.max_replicas"),
        ("min_replicas: 0", "min_replicas: -1", "endpoints[0].policy.min_replicas"),
        ("idle_timeout: 300s", "idle_timeout: 0s", "endpoints[0].policy.idle_timeout"),
        ("max_concurrent_per_worker: 1", "max_concurrent_per_worker: 0", "endpoints[0].policy.max_concurrent_per_worker"),
        ("after_failures: 3", "after_failures: 0", "endpoints[0].policy.fallback.after_failures"),
        ("max_step: 4", "max_step: 0", "endpoints[0].policy.scale_up.max_step"),
        ("stabilization: 5m", "stabilization: -5m", "endpoints[0].policy.scale_down.stabilization"),
        ("value: 4", "value: 1e300", "endpoints[0].policy.value"),
        ("idle_timeout: 300s", "idle_timeout: 1e30", "endpoints[0].policy.idle_timeout"),
        ("max_replicas: 10", "max_replicas: 99999999999", "endpoints[0].policy.max_replicas"),
    ])
    func outOfRangeWhereItMakesNoSense(old: String, new: String, keyPath: String) throws {
        let issues = try refuse { $0.replacing(old, with: new) }
        #expect(issues.map(\.keyPath) == [keyPath])
    }

    @Test func unknownProviderKind() throws {
        let issues = try refuse { $0.replacing("kind: runpod", with: "kind: runpodd") }
        #expect(issues.map(\.keyPath) == ["providers[1].kind"])
        #expect(issues[0].message.contains("did you mean 'runpod'?"))
        #expect(issues[0].message.contains("valid: runpod, ppio, novita, gpugeek, simulated"))
    }

    @Test func endpointNamingAnUndefinedProvider() throws {
        let issues = try refuse { $0.replacing("provider: rp", with: "provider: rq") }
        #expect(issues.map(\.keyPath) == ["endpoints[1].provider"])
        #expect(issues[0].message.contains("no provider named 'rq'"))
    }

    @Test func duplicateEndpointNames() throws {
        let issues = try refuse { $0.replacing("name: embed", with: "name: chat-llm") }
        #expect(issues.map(\.keyPath) == ["endpoints[1].name"])
        #expect(issues[0].message.contains("duplicate endpoint name 'chat-llm'"))
    }

    @Test func tickOfZero() throws {
        let issues = try refuse { $0.replacing("tick: 5s", with: "tick: 0s") }
        #expect(issues.map(\.keyPath) == ["tick"])
        #expect(issues[0].line == 1)
    }

    @Test func unresolvableSecretNeverShowsItsValue() throws {
        let issues = try refuse({ $0 }, environment: [:])
        #expect(issues.map(\.keyPath) == ["providers[1].api_key"])
        #expect(issues[0].message.contains("TEST_RUNPOD_KEY is not set"))
    }

    @Test func secretWrittenInlineIsRefused() throws {
        let issues = try refuse { $0.replacing("api_key: env:TEST_RUNPOD_KEY", with: "api_key: rp_live_abc") }
        #expect(issues.map(\.keyPath) == ["providers[1].api_key"])
        #expect(!issues[0].description.contains("rp_live_abc"))
    }

    @Test func credentialNeedsTheCredentialsDirectory() throws {
        let issues = try refuse { $0.replacing("env:TEST_RUNPOD_KEY", with: "credential:runpod") }
        #expect(issues[0].message.contains("CREDENTIALS_DIRECTORY"))
    }

    @Test func journalDirectoryThatCannotBeWritten() throws {
        let issues = try refuse { $0.replacing("journal.sqlite", with: "missing-dir/journal.sqlite") }
        #expect(issues.map(\.keyPath) == ["journal.path"])
        #expect(issues[0].message.contains("does not exist"))
    }

    @Test func everyErrorOfAFileIsReportedAtOnce() throws {
        let issues = try refuse {
            $0.replacing("tick: 5s", with: "tick: 0")
                .replacing("min_replicas: 0", with: "min_replica: 0")
                .replacing("kind: runpod", with: "kind: aws")
                .replacing("name: embed", with: "name: chat-llm")
        }
        #expect(Set(issues.map(\.keyPath)) == ["tick", "endpoints[0].policy.min_replica", "providers[1].kind", "endpoints[1].name"])
    }

    @Test func aRealProviderNeedsAnAPIKey() throws {
        let issues = try refuse { $0.replacing("    api_key: env:TEST_RUNPOD_KEY\n", with: "") }
        #expect(issues.map(\.keyPath) == ["providers[1]"])
        #expect(issues[0].message.contains("missing required key 'api_key' for kind 'runpod'"))
    }

    @Test func anAPITheProviderDoesNotOfferIsRefused() throws {
        let issues = try refuse { $0.replacing("    kind: runpod\n", with: "    kind: runpod\n    api: v2\n") }
        #expect(issues.map(\.keyPath) == ["providers[1].api"])
        #expect(issues[0].message.contains("unknown value 'v2'; valid: rest, graphql"))
    }

    @Test func httpMetricsNeedAURLAndRealPointers() throws {
        let issues = try refuse {
            $0.replacing("    mode: dry-run\n", with: "    mode: dry-run\n    metrics: { source: http, queued: queue.waiting }\n")
        }
        #expect(Set(issues.map(\.keyPath)) == ["endpoints[1].metrics.url", "endpoints[1].metrics.queued"])
        #expect(issues.contains { $0.message.contains("not a JSON Pointer") })
    }

    @Test func httpOnlyKeysNeedSourceHTTP() throws {
        let issues = try refuse { $0.replacing("    mode: dry-run\n", with: "    mode: dry-run\n    metrics: { url: \"http://x.example/m\" }\n") }
        #expect(issues.map(\.keyPath) == ["endpoints[1].metrics.url"])
    }

    @Test func aGPUGeekEndpointNeedsAnInstanceTemplateAndNoOtherTakesOne() throws {
        let missing = try refuse { $0.replacing("kind: runpod", with: "kind: gpugeek") }
        #expect(missing.contains { $0.message.contains("needs an instance: block") })
        let misplaced = try refuse {
            $0.replacing("    mode: dry-run\n", with: "    mode: dry-run\n    instance: { gpu_name: G40-24G, gpu_num: 1, image_id: x, sku_name: payg }\n")
        }
        #expect(misplaced.map(\.keyPath) == ["endpoints[1].instance"])
    }

    @Test func ppioCapsReplicasAtAThousand() throws {
        let issues = try refuse {
            $0.replacing("kind: runpod", with: "kind: ppio").replacing("max_replicas: 3", with: "max_replicas: 1001")
                .replacing("    mode: dry-run\n", with: "    mode: dry-run\n    metrics: { source: push }\n")
        }
        #expect(issues.count == 1)
        #expect(issues[0].message.contains("at most 1000 replicas"))
    }

    @Test func anInstanceTemplateIsChecked() throws {
        let issues = try refuse {
            $0.replacing("kind: runpod", with: "kind: gpugeek")
                .replacing("    mode: dry-run\n", with: "    mode: dry-run\n    metrics: { source: push }\n    instance: { gpu_name: G40-24G, gpu_num: 0, image_id: x, sku_name: hourly, http_ports: [70000] }\n")
        }
        #expect(Set(issues.map(\.keyPath)) == ["endpoints[1].instance.gpu_num", "endpoints[1].instance.sku_name", "endpoints[1].instance.http_ports[0]"])
    }

    @Test func anAdminAPIOffLoopbackNeedsAToken() throws {
        let issues = try refuse { $0.replacing("log: { level: info, format: json }", with: "admin: { listen: \"0.0.0.0:9465\" }") }
        #expect(issues.map(\.keyPath) == ["admin.listen"])
        #expect(issues[0].message.contains("set admin.token"))
    }

    @Test(arguments: ["9465", "unix:run/admin.sock", "127.0.0.1:99999", ":9465"])
    func aMalformedAdminListenIsRefused(listen: String) throws {
        let issues = try refuse { $0.replacing("log: { level: info, format: json }", with: "admin: { listen: \"\(listen)\" }") }
        #expect(issues.map(\.keyPath) == ["admin.listen"])
    }

    @Test func ttlBelongsToPushAndPushTakesNoURL() throws {
        let ttl = try refuse { $0.replacing("    mode: dry-run\n", with: "    mode: dry-run\n    metrics: { ttl: 30s }\n") }
        #expect(ttl.map(\.keyPath) == ["endpoints[1].metrics.ttl"])
        let url = try refuse { $0.replacing("    mode: dry-run\n", with: "    mode: dry-run\n    metrics: { source: push, url: \"http://x.example\" }\n") }
        #expect(url.map(\.keyPath) == ["endpoints[1].metrics.url"])
    }

    @Test func providerMetricsOnlyWhereTheProviderHasThem() throws {
        let sync = try refuse { $0.replacing("kind: runpod", with: "kind: ppio") }
        #expect(sync.contains { $0.keyPath == "endpoints[1].name" && $0.message.contains("sync endpoints report only workers") })
        let gpugeek = try refuse { $0.replacing("kind: runpod", with: "kind: gpugeek") }
        #expect(gpugeek.contains { $0.message.contains("gpugeek reports no request metrics") })
        let misplaced = try refuse { $0.replacing("    mode: dry-run\n", with: "    mode: dry-run\n    metrics: { gateway_name: abc-app }\n") }
        #expect(misplaced.map(\.message).contains { $0.contains("is for async gateways (ppio, novita)") })
    }

    @Test func aMappingWhereAListBelongs() throws {
        let issues = try refuse { $0.replacing("providers:\n", with: "providers:\n  oops: 1\nold_providers:\n") }
        #expect(issues.contains { $0.keyPath == "providers" && $0.message.contains("expected a list") })
    }
}

@Suite struct BudgetConfig {
    @Test func aSpendLimitWithoutAPriceIsRefused() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let issues = try fixture.issues(fixture.validYAML().replacing("max_replicas: 3", with: "max_replicas: 3\n      max_spend_per_hour: 20"))
        #expect(issues.map(\.keyPath) == ["endpoints[1].policy.max_spend_per_hour"])
        #expect(issues.first?.message.contains("needs price_per_worker_hour") == true)
    }

    @Test func aBudgetIsReadAndShownByCheck() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let config = try fixture.load(fixture.validYAML().replacing("max_replicas: 3", with: "max_replicas: 3\n      price_per_worker_hour: 2.49\n      max_spend_per_day: 300"))
        #expect(config.endpoints[1].policy.budget == SpendBudget(pricePerWorkerHour: 2.49, maxSpendPerDay: 300))
        #expect(ConfigSummary.text(of: config).contains("budget: $2.49/worker-hour, max $300/day"))
    }
}

@Suite struct RatePolicyConfig {
    @Test func percentPeriodAndToleranceAreReadAndShown() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let text = fixture.validYAML()
            .replacing("scale_up:   { stabilization: 0s,   max_step: 4 }", with: "scale_up:   { stabilization: 0s, max_step: 4, max_percent: 100, period: 30s }")
            .replacing("max_replicas: 10", with: "max_replicas: 10\n      tolerance: 0.1")
        let config = try fixture.load(text)
        let policy = config.endpoints[0].policy
        #expect(policy.scaleUp == DirectionBehavior(stabilization: 0, maxStep: 4, maxPercent: 100, period: 30))
        #expect(policy.tolerance == 0.1)
        let summary = ConfigSummary.text(of: config)
        #expect(summary.contains("scale_up: stabilization 0s, max_step 4, max_percent 100 per 30s"))
        #expect(summary.contains("tolerance: 10%"))
    }

    @Test func aToleranceOfOneOrMoreAndAPeriodWithoutAPercentAreRefused() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let issues = try fixture.issues(fixture.validYAML()
            .replacing("max_replicas: 10", with: "max_replicas: 10\n      tolerance: 10")
            .replacing("scale_down: { stabilization: 5m, max_step: 2 }", with: "scale_down: { stabilization: 5m, period: 1m }"))
        #expect(Set(issues.map(\.keyPath)) == ["endpoints[0].policy.tolerance", "endpoints[0].policy.scale_down.period"])
    }
}

@Suite struct ScheduleConfig {
    private let window = """
      schedules:
            - name: office
              days: [mon, tue, wed, thu, fri]
              start: "09:00"
              end: "18:00"
              time_zone: Asia/Shanghai
              min_replicas: 2
    """

    @Test func aScheduleIsReadAndShownByCheck() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let config = try fixture.load(fixture.validYAML().replacing("max_replicas: 10", with: "max_replicas: 10\n    " + window))
        #expect(config.endpoints[0].policy.schedules == [
            ScheduleWindow(name: "office", weekdays: Set(1...5), startMinute: 540, endMinute: 1_080, timeZoneIdentifier: "Asia/Shanghai", minReplicas: 2),
        ])
        #expect(ConfigSummary.text(of: config).contains("schedule office: mon,tue,wed,thu,fri 09:00-18:00 Asia/Shanghai, min 2"))
    }

    @Test func badZonesDaysTimesAndBoundsAreEachNamed() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let broken = window.replacing("Asia/Shanghai", with: "Asia/Shanghia").replacing("fri]", with: "fry]")
            .replacing("\"18:00\"", with: "\"18:75\"").replacing("min_replicas: 2", with: "min_replicas: 11")
        let issues = try fixture.issues(fixture.validYAML().replacing("max_replicas: 10", with: "max_replicas: 10\n    " + broken))
        let messages = issues.map(\.message)
        #expect(messages.contains { $0.contains("unknown time zone 'Asia/Shanghia'") })
        #expect(messages.contains { $0.contains("unknown day 'fry'") })
        #expect(messages.contains { $0.contains("'18:75' is not a time of day") })
        #expect(issues.allSatisfy { $0.keyPath.hasPrefix("endpoints[0].policy.schedules[0]") })
    }
}
