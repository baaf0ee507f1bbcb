import Foundation
import ScalerConfig
import ScalerPorts
import ScalerProviders
import Testing

/// Validation that comes from the providers' descriptors: their APIs, ranges and capabilities.
@Suite struct ProviderDescriptorConfig {
    private func issues(_ edit: (String) -> String) throws -> [ConfigIssue] {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        return try fixture.issues(edit(fixture.validYAML()))
    }

    private func load(_ edit: (String) -> String) throws -> ScalerdConfig {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        return try fixture.load(edit(fixture.validYAML()))
    }

    private let gpugeekPool = """
        providers:
          - name: demo
            kind: simulated
          - name: gg
            kind: gpugeek
            api_key: env:TEST_RUNPOD_KEY
        endpoints:
          - name: pool
            provider: gg
            id: pool
            metrics: { source: push }
            instance: { gpu_name: G40-24G, gpu_num: 1, image_id: img, sku_name: SKU }
            policy: { type: queue, value: 2, max_replicas: 3 }
        """

    private func pool(sku: String, policyExtra: String = "") -> (String) -> String {
        { yaml in
            let head = yaml.components(separatedBy: "providers:")[0]
            return head + self.gpugeekPool.replacingOccurrences(of: "SKU", with: sku)
                .replacingOccurrences(of: "max_replicas: 3 }", with: "max_replicas: 3\(policyExtra) }")
        }
    }

    @Test(arguments: ["daily", "weekly", "monthly"])
    func aPrepaidBillingIsRefusedForAPool(sku: String) throws {
        let refused = try issues(pool(sku: sku))
        #expect(refused.map(\.keyPath) == ["endpoints[0].instance.sku_name"])
        #expect(refused.first?.message.contains("is prepaid") == true)
        #expect(try issues(pool(sku: "payg")).isEmpty)
        #expect(try issues(pool(sku: "bidding")).isEmpty)
    }

    @Test func aRequestTimeoutLongerThanACallsShareOfTheTickIsRefused() throws {
        let refused = try issues { $0.replacing("    api_key: env:TEST_RUNPOD_KEY\n", with: "    api_key: env:TEST_RUNPOD_KEY\n    timeout: 10s\n") }
        #expect(refused.map(\.keyPath) == ["providers[1].timeout"])
        #expect(refused.first?.message.contains("longer than the 2s a provider call may take within a 5s tick") == true)
        let config = try load { $0 }
        #expect(config.provider(named: "rp")?.requestTimeout == nil)
        #expect(ConfigSummary.text(of: config).contains("timeout 2s (the tick's share)"))
    }

    @Test func theProvidersIdleTimeoutMustBeOneItAccepts() throws {
        let queue = { (yaml: String) in yaml.replacing("      type: concurrency\n      value: 2.5", with: "      type: queue\n      value: 2") }
        let runpod = try load { queue($0).replacing("      max_replicas: 3", with: "      max_replicas: 3\n      provider_idle_timeout: 5s") }
        #expect(runpod.endpoints[1].policy.providerIdleTimeout == 5)
        #expect(ConfigSummary.text(of: runpod).contains("pushes: control floor: min = the decided replicas, max = 3, the provider's scaler on queue delay 2s, provider idle timeout 5s per worker\n"))
        let requestCount = try issues { $0.replacing("      max_replicas: 3", with: "      max_replicas: 3\n      provider_idle_timeout: 5s") }
        #expect(requestCount.first?.message.contains("takes no idle timeout with a request-count scaler") == true)
        let ppio = try issues {
            $0.replacing("    kind: runpod", with: "    kind: ppio")
                .replacing("      max_replicas: 3", with: "      max_replicas: 3\n      provider_idle_timeout: 2000s")
                .replacing("    mode: dry-run\n", with: "    mode: dry-run\n    metrics: { source: push }\n")
        }
        #expect(ppio.map(\.message) == ["endpoint 'embed': policy.provider_idle_timeout 33m20s is outside ppio's 1s...1000s"])
        #expect(try issues(pool(sku: "payg", policyExtra: ", provider_idle_timeout: 5s")).map(\.message) == [
            "endpoint 'pool': gpugeek has no per-worker idle timeout; remove policy.provider_idle_timeout",
        ])
    }

    @Test func checkSaysWhatIsPushedToTheProvidersOwnScaler() throws {
        let summary = ConfigSummary.text(of: try load { $0 })
        #expect(summary.contains("pushes: control floor: min = the decided replicas, max = 10, the provider's scaler on queue delay 4s, provider idle timeout 300s per worker (idle_timeout)"))
        #expect(summary.contains("pushes: control floor: min = the decided replicas, max = 3, the provider's scaler on 3 requests per worker, no per-worker idle timeout (the API takes none with a request-count scaler)"))
        let exact = ConfigSummary.text(of: try load { $0.replacing("      max_replicas: 3", with: "      max_replicas: 3\n      control: exact") })
        #expect(exact.contains("pushes: control exact: min = max = the decided replicas (at most 3); the provider's own scaler has no room"))
    }

    @Test func everyKindAndAPIComesFromTheCatalog() throws {
        let refused = try issues { $0.replacing("    kind: runpod", with: "    kind: lambda") }
        #expect(refused.first?.message == "unknown value 'lambda'; valid: \(ProviderModules.catalog.kinds.map(\.rawValue).joined(separator: ", "))")
        let novita = try load {
            $0.replacing("    kind: runpod", with: "    kind: novita\n    api: v2")
                .replacing("    mode: dry-run\n", with: "    mode: dry-run\n    metrics: { source: push }\n")
        }
        #expect(novita.provider(named: "rp")?.api.baseURL == "https://api.novita.ai")
        #expect(novita.provider(named: "rp")?.api.writes == .replacesSettingsObject)
    }
}
