import Foundation
import ScalerConfig
import ScalerProviders

/// A scratch directory holding one config file; the journal path points inside it.
struct ConfigFixture {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("scalerd-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    var journalPath: String { directory.appendingPathComponent("journal.sqlite").path }

    /// A valid file; `replacing` swaps text in it to make one thing wrong.
    func validYAML() -> String {
        """
        tick: 5s
        journal:
          path: \(journalPath)
        log: { level: info, format: json }
        providers:
          - name: demo
            kind: simulated
          - name: rp
            kind: runpod
            api_key: env:TEST_RUNPOD_KEY
        endpoints:
          - name: chat-llm
            provider: demo
            id: endpoint-id
            mode: enforce
            policy:
              type: queue
              value: 4
              min_replicas: 0
              max_replicas: 10
              idle_timeout: 300s
              max_concurrent_per_worker: 1
              scale_up:   { stabilization: 0s,   max_step: 4 }
              scale_down: { stabilization: 5m, max_step: 2 }
              fallback:   { after_failures: 3, replicas: 1 }
          - name: embed
            provider: rp
            id: abc123
            mode: dry-run
            policy:
              type: concurrency
              value: 2.5
              max_replicas: 3
        """
    }

    /// `validYAML` with a GPUGeek provider and a pool endpoint on it, third; `policy` replaces the
    /// pool's policy.
    func validYAMLWithPool(policy: String = "{ type: concurrency, value: 1, max_replicas: 3 }") -> String {
        validYAML()
            .replacing("  - name: rp\n", with: "  - name: gg\n    kind: gpugeek\n    api_key: env:TEST_RUNPOD_KEY\n  - name: rp\n")
            + """

              - name: pool
                provider: gg
                id: pool
                instance: { gpu_name: G40-24G, gpu_num: 1, image_id: torch2.1.1-cuda12.1.0-py3.10, sku_name: payg }
                metrics: { source: push }
                policy: \(policy)
            """
    }

    func write(_ text: String, name: String = "scalerd.yaml") throws -> String {
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static let environment = ["TEST_RUNPOD_KEY": "rp_secret_value_123"]

    func loader(environment: [String: String] = Self.environment) -> ConfigLoader {
        ConfigLoader(catalog: ProviderModules.catalog, secrets: SecretResolver(environment: environment), workingDirectory: directory.path)
    }

    func load(_ text: String, environment: [String: String] = Self.environment) throws -> ScalerdConfig {
        try loader(environment: environment).load(file: try write(text))
    }

    /// The issues a broken file is refused with (empty if it loads).
    func issues(_ text: String, environment: [String: String] = Self.environment) throws -> [ConfigIssue] {
        do {
            _ = try load(text, environment: environment)
            return []
        } catch let error as ConfigError {
            return error.issues
        }
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

extension String {
    func replacing(_ old: String, with new: String) -> String {
        precondition(contains(old), "fixture does not contain \(old)")
        return replacingOccurrences(of: old, with: new)
    }
}
