import AsyncHTTPClient
import Foundation
import ScalerConfig
import ScalerCore
import ScalerHTTP
import ScalerMetrics
import ScalerProviders
import ScalerSimulation
import Synchronization

/// Builds providers and metric sources from config, by `kind`. A provider is kept across reloads
/// while its config is unchanged, so that a reload resets neither the demo's world, nor a
/// provider's rate limit, nor the history a metric source estimates from.
final class RuntimeFactory: Sendable {
    private struct Built: Sendable {
        let key: CacheKey
        let provider: any Provider
        let metrics: any MetricSource
    }

    private struct CacheKey: Hashable {
        let config: ProviderConfig
        let tick: Double
    }

    private let clock: @Sendable () -> Date
    private let http: HTTPClient
    private let cache = Mutex<[String: Built]>([:])

    init(http: HTTPClient, clock: @escaping @Sendable () -> Date) {
        self.http = http
        self.clock = clock
    }

    /// Kinds and APIs this build can drive; config validation accepts everything documented.
    static func unsupported(_ config: ScalerdConfig) -> [String] {
        config.providers.compactMap { provider in
            switch (provider.kind, provider.api) {
            case (.simulated, _), (.runpod, .rest?), (.runpod, .graphql?):
                return nil
            case (.ppio, .v2?), (.novita, .v2?), (.novita, .v1?), (.gpugeek, _):
                // The clients exist (EndpointsV2Provider, NovitaV1Provider, GPUGeekPoolProvider), but these endpoints report no queue or
                // in-flight counts, and a metrics source that does (Prometheus, HTTP, push) is not
                // in this build yet: running them would only ever hold.
                return "\(config.file): providers.\(provider.name): kind '\(provider.kind.rawValue)' reports no queue metrics of its own, and the metrics sources it needs (prometheus, http, push) are not in this build yet"
            case (.runpod, nil), (.ppio, _), (.novita, _):
                return "\(config.file): providers.\(provider.name): kind '\(provider.kind.rawValue)' has no api chosen"
            default:
                let api = provider.api.map { " with api '\($0.rawValue)'" } ?? ""
                return "\(config.file): providers.\(provider.name): kind '\(provider.kind.rawValue)'\(api) is not available in this build yet; available: simulated, runpod"
            }
        }
    }

    func runtimes(for config: ScalerdConfig) throws(RuntimeError) -> [EndpointRuntime] {
        let problems = Self.unsupported(config)
        guard problems.isEmpty else { throw RuntimeError(problems: problems) }
        return config.endpoints.map { endpoint in
            let built = build(config.provider(named: endpoint.provider)!, tick: config.tick)
            return EndpointRuntime(config: endpoint, provider: built.provider, metrics: built.metrics)
        }
    }

    private func build(_ config: ProviderConfig, tick: Double) -> Built {
        let key = CacheKey(config: config, tick: tick)
        return cache.withLock { cache in
            if let existing = cache[config.name], existing.key == key { return existing }
            let built: Built
            switch config.kind {
            case .runpod:
                // One budget of requests per provider, whichever of its hosts they go to.
                let limiter = RateLimiter(requestsPerSecond: config.rateLimit)
                let base = config.baseURL ?? RunPodRESTProvider.defaultBaseURL
                let provider: any Provider = config.api == .graphql
                    // GraphQL takes the key in its query string, never in a header.
                    ? RunPodGraphQLProvider(transport: transport(config, tick: tick, base: base, limiter: limiter, bearer: false), apiKey: config.apiKey?.reveal() ?? "")
                    : RunPodRESTProvider(transport: transport(config, tick: tick, base: base, limiter: limiter))
                built = Built(
                    key: key,
                    provider: provider,
                    metrics: RunPodHealthSource(transport: transport(config, tick: tick, base: config.healthBaseURL ?? RunPodHealthSource.defaultBaseURL, limiter: limiter), clock: clock)
                )
            default:
                let provider = simulatedProvider(config)
                built = Built(key: key, provider: provider, metrics: SimulatedMetricSource(cloud: provider.cloud, clock: clock))
            }
            cache[config.name] = built
            return built
        }
    }

    /// One transport per provider host; the whole retry budget fits in the share of a tick that
    /// observe or act may take.
    private func transport(
        _ config: ProviderConfig, tick: Double, base: String, limiter: RateLimiter, bearer: Bool = true
    ) -> ProviderTransport {
        let key = config.apiKey?.reveal() ?? ""
        var settings = ProviderTransport.Settings()
        settings.requestTimeout = min(config.requestTimeout, max(0.2, tick * 0.4))
        settings.retry.budget = max(0.2, tick * 0.4)
        return ProviderTransport(
            client: http, baseURL: base, headers: bearer ? [("Authorization", "Bearer \(key)")] : [], secrets: [key],
            limiter: limiter, settings: settings
        )
    }

    private func simulatedProvider(_ config: ProviderConfig) -> SimulatedProvider {
        let settings = config.simulation ?? SimulationSettings()
        let cloud = SimulatedCloud(settings: .init(
            seed: settings.seed,
            cycle: LoadCycle(period: settings.cycle, peakRPS: settings.peakRPS),
            cluster: .init(coldStart: settings.coldStart, meanServiceTime: settings.serviceTime, concurrencyPerWorker: settings.workerConcurrency)
        ))
        return SimulatedProvider(cloud: cloud, clock: clock)
    }
}

struct RuntimeError: Error, CustomStringConvertible {
    let problems: [String]
    var description: String { problems.joined(separator: "\n") }
}
