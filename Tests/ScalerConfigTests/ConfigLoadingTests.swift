import Foundation
import ScalerConfig
import ScalerProviders
import ScalerCore
import Testing

@Suite struct ValidConfig {
    @Test func loadsEveryDocumentedKey() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let config = try fixture.load(fixture.validYAML())
        #expect(config.tick == 5)
        #expect(config.log.format == .json)
        #expect(config.endpoints.count == 2)
        let chat = try #require(config.endpoints.first)
        #expect(chat.policy.type == .queue)
        #expect(chat.policy.scaleDown.stabilization == 300)
        #expect(chat.policy.scaleUp.maxStep == 4)
        #expect(chat.policy.fallback == FallbackPolicy(afterFailures: 3, replicas: 1))
        let embed = config.endpoints[1]
        #expect(embed.mode == .dryRun)
        #expect(embed.policy.value == 2.5)
        #expect(embed.policy.minReplicas == 0)
        #expect(embed.policy.scaleDown.stabilization == 300)
        #expect(config.provider(named: "rp")?.apiKey?.reveal() == "rp_secret_value_123")
        #expect(config.provider(named: "rp")?.api.name == "rest")
        #expect(config.provider(named: "rp")?.rateLimit == 5)
        #expect(config.admin.listen == .tcp(host: "127.0.0.1", port: 9465))
        #expect(config.admin.token == nil)
    }

    @Test func theShippedDemoConfigIsValid() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let config = try ConfigLoader(catalog: ProviderModules.catalog, workingDirectory: FileManager.default.temporaryDirectory.path)
            .load(file: root.appendingPathComponent("config/demo.yaml").path)
        #expect(config.providers.first?.kind == "simulated")
        #expect(!config.endpoints.isEmpty)
    }

    @Test func everyShippedProviderExampleIsValid() throws {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/examples")
        let files = try FileManager.default.contentsOfDirectory(atPath: examples.path).filter { $0.hasSuffix(".yaml") }
        #expect(!files.isEmpty)
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let environment = ["RUNPOD_API_KEY": "k1", "PPIO_API_KEY": "k2", "NOVITA_API_KEY": "k3", "GPUGEEK_API_TOKEN": "k4"]
        for file in files {
            let text = try String(contentsOf: examples.appendingPathComponent(file), encoding: .utf8)
                .replacingOccurrences(of: "/var/lib/scalerd/journal.sqlite", with: fixture.journalPath)
            let issues = try fixture.issues(text, environment: environment)
            #expect(issues.isEmpty, "\(file): \(issues)")
        }
    }

    @Test func summaryMasksSecrets() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let config = try fixture.load(fixture.validYAML())
        let summary = ConfigSummary.text(of: config)
        #expect(!summary.contains("rp_secret_value_123"))
        #expect(summary.contains("env:TEST_RUNPOD_KEY"))
        #expect(!"\(config)".contains("rp_secret_value_123"))
        #expect(!String(reflecting: config).contains("rp_secret_value_123"))
    }

    @Test func policyVersionChangesWithThePolicyOnly() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let a = try fixture.load(fixture.validYAML())
        let b = try fixture.load(fixture.validYAML().replacing("max_replicas: 10", with: "max_replicas: 11"))
        let c = try fixture.load(fixture.validYAML().replacing("tick: 5s", with: "tick: 10s"))
        #expect(a.endpoints[0].policyVersion != b.endpoints[0].policyVersion)
        #expect(a.endpoints[1].policyVersion == b.endpoints[1].policyVersion)
        #expect(a.endpoints[0].policyVersion == c.endpoints[0].policyVersion)
    }

    @Test(arguments: [("300s", 300.0), ("5m", 300), ("1h30m", 5400), ("90", 90), ("250ms", 0.25), ("1.5s", 1.5), ("2d", 172_800)])
    func durationsReadAsOperatorsWriteThem(text: String, seconds: Double) {
        #expect(DurationParser.seconds(from: text) == seconds)
    }

    @Test(arguments: ["", "5x", "m5", "1h-3m", "s"])
    func malformedDurationsAreRefused(text: String) {
        #expect(DurationParser.seconds(from: text) == nil)
    }
}
