import Foundation

/// Reads one entry of `providers:`.
struct ProviderReader {
    let node: ConfigNode
    let secrets: SecretResolver

    private static let keys = [
        "name", "kind", "api", "base_url", "health_base_url", "api_key", "rate_limit", "timeout", "simulation",
    ]

    func read() -> (name: String, node: ConfigNode, config: ProviderConfig)? {
        guard let mapping = node.mapping(keys: Self.keys) else { return nil }
        let name = mapping.required("name")?.string()
        let kind = mapping.required("kind")?.choice(ProviderKind.self)
        let baseURL = mapping["base_url"].flatMap(url)
        let healthBaseURL = mapping["health_base_url"].flatMap(url)
        let rateLimit = mapping["rate_limit"].map { $0.number(greaterThan: 0) } ?? 5
        let timeout = mapping["timeout"].map { $0.duration(allowZero: false) } ?? 10
        var api: ProviderAPI?
        if let kind, let apiNode = mapping["api"], let chosen = apiNode.choice(ProviderAPI.self) {
            let offered = ProviderAPI.offered(by: kind)
            if offered.contains(chosen) {
                api = chosen
            } else {
                apiNode.report("kind '\(kind.rawValue)' offers \(offered.isEmpty ? "no choice of api" : "api " + offered.map(\.rawValue).joined(separator: " or "))")
            }
        }
        var apiKey: Secret?
        if let keyNode = mapping["api_key"] {
            apiKey = keyNode.secret(using: secrets)
        } else if let kind, kind != .simulated {
            mapping.owner.report("missing required key 'api_key' for kind '\(kind.rawValue)' (env:NAME, file:PATH or credential:NAME)")
        }
        var simulation: SimulationSettings?
        if let simulationNode = mapping["simulation"] {
            if kind != .simulated {
                simulationNode.report("only a provider of kind 'simulated' takes a simulation block")
            }
            simulation = readSimulation(simulationNode)
        }
        guard let name, let kind, let rateLimit, let timeout else { return nil }
        let config = ProviderConfig(
            name: name, kind: kind, api: api ?? ProviderAPI.offered(by: kind).first, baseURL: baseURL,
            healthBaseURL: healthBaseURL, apiKey: apiKey, rateLimit: rateLimit, requestTimeout: timeout,
            simulation: kind == .simulated ? (simulation ?? SimulationSettings()) : nil
        )
        return (name, mapping["name"] ?? node, config)
    }

    private func url(_ node: ConfigNode) -> String? {
        guard let text = node.string() else { return nil }
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            node.report("'\(text)' is not an http(s) URL with a host")
            return nil
        }
        return text
    }

    private func readSimulation(_ node: ConfigNode) -> SimulationSettings? {
        guard let mapping = node.mapping(keys: ["seed", "cold_start", "service_time", "peak_rps", "cycle", "worker_concurrency"]) else { return nil }
        var settings = SimulationSettings()
        if let seed = mapping["seed"]?.integer(atLeast: 0) { settings.seed = UInt64(seed) }
        if let coldStart = mapping["cold_start"]?.duration(allowZero: true) { settings.coldStart = coldStart }
        if let serviceTime = mapping["service_time"]?.duration(allowZero: false) { settings.serviceTime = serviceTime }
        if let peak = mapping["peak_rps"]?.number(greaterThan: 0) { settings.peakRPS = peak }
        if let cycle = mapping["cycle"]?.duration(allowZero: false) { settings.cycle = cycle }
        if let concurrency = mapping["worker_concurrency"]?.integer(atLeast: 1) { settings.workerConcurrency = concurrency }
        return settings
    }
}
