import Foundation
import ScalerPorts

/// Reads one entry of `providers:`, checked against its kind's descriptor.
struct ProviderReader {
    let node: ConfigNode
    let secrets: SecretResolver
    let catalog: ProviderCatalog
    let tick: TimeInterval

    private static let keys = [
        "name", "kind", "api", "base_url", "health_base_url", "api_key", "rate_limit", "timeout", "simulation",
    ]

    func read() -> (name: String, node: ConfigNode, config: ProviderConfig)? {
        guard let mapping = node.mapping(keys: Self.keys) else { return nil }
        let name = mapping.required("name")?.string()
        let descriptor = mapping.required("kind")?.choice(among: catalog.kinds.map(\.rawValue)).flatMap { catalog.descriptor(ProviderKind(rawValue: $0)) }
        let baseURL = mapping["base_url"].flatMap(url)
        let healthBaseURL = mapping["health_base_url"].flatMap(url)
        let rateLimit = mapping["rate_limit"].map { $0.number(greaterThan: 0) } ?? 5
        let timeout = mapping["timeout"].map(readTimeout)
        let api = descriptor.flatMap { readAPI(mapping["api"], of: $0) }
        var apiKey: Secret?
        if let keyNode = mapping["api_key"] {
            apiKey = keyNode.secret(using: secrets)
        } else if let descriptor, descriptor.credentials == .apiKey {
            mapping.owner.report("missing required key 'api_key' for kind '\(descriptor.kind)' (env:NAME, file:PATH or credential:NAME)")
        }
        var simulation: SimulationSettings?
        if let simulationNode = mapping["simulation"] {
            if descriptor?.takesSimulation == false {
                simulationNode.report("only a provider of kind 'simulated' takes a simulation block")
            }
            simulation = readSimulation(simulationNode)
        }
        guard let name, let descriptor, let api, let rateLimit, timeout != .some(nil) else { return nil }
        let config = ProviderConfig(
            name: name, descriptor: descriptor, api: api, baseURL: baseURL, healthBaseURL: healthBaseURL, apiKey: apiKey,
            rateLimit: rateLimit, requestTimeout: timeout ?? nil,
            simulation: descriptor.takesSimulation ? (simulation ?? SimulationSettings()) : nil
        )
        return (name, mapping["name"] ?? node, config)
    }

    private func readAPI(_ node: ConfigNode?, of descriptor: ProviderDescriptor) -> APIDescriptor? {
        guard let node else { return descriptor.defaultAPI }
        let offered = descriptor.apis.compactMap(\.name)
        guard !offered.isEmpty else {
            node.report("kind '\(descriptor.kind)' offers no choice of api")
            return nil
        }
        return node.choice(among: offered.map(\.rawValue)).flatMap { descriptor.api(ProviderAPI(rawValue: $0)) }
    }

    /// A per-request timeout longer than a call's share of the tick could never be waited for.
    private func readTimeout(_ node: ConfigNode) -> Double? {
        guard let timeout = node.duration(allowZero: false) else { return nil }
        let budget = ProviderConfig.callBudget(tick: tick)
        guard timeout <= budget else {
            node.report("\(DurationParser.format(timeout)) is longer than the \(DurationParser.format(budget)) a provider call may take within a \(DurationParser.format(tick)) tick (40%); lower timeout, or raise tick")
            return nil
        }
        return timeout
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
