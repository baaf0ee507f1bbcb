import AsyncHTTPClient
import Foundation
import ScalerConfig
import ScalerCore
import ScalerHTTP
import ScalerMetrics
import ScalerPorts
import ScalerProviders
import Synchronization

/// Builds each endpoint's provider and metric source from config, through its provider's module.
/// What a provider shares across its endpoints (its client, its rate limit and the wait it asked
/// for, the simulated world, the history a health source estimates from) is kept across reloads
/// while the provider's config is unchanged; the pool ledger is kept always.
final class RuntimeFactory: Sendable {
    private struct Shared: Sendable {
        let key: CacheKey
        let parts: ProviderParts
    }

    private struct CacheKey: Hashable {
        let config: ProviderConfig
        let tick: Double
    }

    private let clock: @Sendable () -> Date
    /// What retries, rate limits and operations wait on.
    private let monotonicClock: any Clock<Duration>
    private let http: HTTPClient
    let pushed: PushedSamples
    private let metrics: DaemonMetrics?
    private let ledger: PoolLedger
    private let cache = Mutex<[String: Shared]>([:])

    init(
        http: HTTPClient, pushed: PushedSamples = PushedSamples(), metrics: DaemonMetrics? = nil, ledger: PoolLedger = PoolLedger(),
        clock: @escaping @Sendable () -> Date, monotonicClock: any Clock<Duration> = ContinuousClock()
    ) {
        self.monotonicClock = monotonicClock
        self.http = http
        self.pushed = pushed
        self.metrics = metrics
        self.ledger = ledger
        self.clock = clock
    }

    /// Config validation has already refused every endpoint whose metrics cannot be had.
    func runtimes(for config: ScalerdConfig) -> [EndpointRuntime] {
        config.endpoints.compactMap { endpoint in
            guard let providerConfig = config.provider(named: endpoint.provider) else { return nil }
            let parts = shared(providerConfig, tick: config.tick)
            let metrics: any MetricSource
            switch endpoint.metrics.source {
            case .http: metrics = httpMetrics(endpoint.metrics, tick: config.tick)
            case .prometheus: metrics = prometheusMetrics(endpoint.metrics, tick: config.tick)
            case .push: metrics = PushSource(samples: pushed, endpointName: endpoint.name, ttl: endpoint.metrics.ttl ?? endpoint.policy.maxMetricAge, clock: clock)
            case .provider:
                metrics = parts.metrics(endpoint.id, endpoint.metrics.gatewayName)
                    ?? UnavailableMetrics(reason: "\(providerConfig.kind) reports no metrics for endpoint \(endpoint.id)")
            }
            return EndpointRuntime(config: endpoint, provider: parts.provider, limits: providerConfig.api.limits, metrics: metrics)
        }
    }

    private func shared(_ config: ProviderConfig, tick: Double) -> ProviderParts {
        let key = CacheKey(config: config, tick: tick)
        return cache.withLock { cache in
            if let existing = cache[config.name], existing.key == key { return existing.parts }
            // One budget of requests per provider, whichever of its hosts they go to.
            let limiter = RateLimiter(requestsPerSecond: config.rateLimit, now: clock, clock: monotonicClock)
            let context = ProviderContext(
                name: config.name, api: config.api, baseURL: config.baseURL, healthBaseURL: config.healthBaseURL,
                transport: { [unowned self] base, auth in transport(config, tick: tick, base: base, auth: auth, limiter: limiter) },
                clock: clock, monotonicClock: monotonicClock, followFor: max(0.2, tick * 0.3), ledger: ledger,
                simulation: config.simulation ?? SimulationSettings()
            )
            let parts = ProviderModules.parts(config.kind, context)
            cache[config.name] = Shared(key: key, parts: parts)
            return parts
        }
    }

    /// A transport authenticated as the provider's API documents, whose retries fit in a call's
    /// share of the tick.
    private func transport(_ config: ProviderConfig, tick: Double, base: String, auth: APIDescriptor.Auth, limiter: RateLimiter?) -> ProviderTransport {
        let key = config.apiKey?.reveal() ?? ""
        var headers: [(String, String)] = []
        var query: [URLQueryItem] = []
        switch auth {
        case .bearer: headers = [("Authorization", "Bearer \(key)")]
        case .header(let name): headers = [(name, key)]
        case .query(let name): query = [URLQueryItem(name: name, value: key)]
        case .none: break
        }
        let metrics = self.metrics
        let provider = config.name
        return ProviderTransport(
            client: http, baseURL: base, headers: headers, authQuery: query, secrets: [key], limiter: limiter,
            settings: settings(timeout: config.requestTimeout, tick: tick), now: clock, clock: monotonicClock,
            observer: { request, status in metrics?.recordProviderRequest(provider: provider, method: request.method.rawValue, status: status) }
        )
    }

    private func settings(timeout: Double?, tick: Double) -> ProviderTransport.Settings {
        var settings = ProviderTransport.Settings()
        settings.retry.budget = ProviderConfig.callBudget(tick: tick)
        settings.requestTimeout = timeout ?? settings.retry.budget
        return settings
    }

    /// A metrics service's transport: its own host, so none of a provider's rate limit.
    private func metricsTransport(_ metrics: MetricSettings, tick: Double) -> ProviderTransport {
        let token = metrics.bearerToken?.reveal()
        return ProviderTransport(
            client: http, baseURL: metrics.url ?? "", headers: token.map { [("Authorization", "Bearer \($0)")] } ?? [],
            secrets: token.map { [$0] } ?? [], settings: settings(timeout: nil, tick: tick), now: clock, clock: monotonicClock
        )
    }

    private func prometheusMetrics(_ metrics: MetricSettings, tick: Double) -> PrometheusSource {
        let queries = PrometheusSource.Queries(queueDelay: metrics.queueDelay, queued: metrics.queued, inFlight: metrics.inFlight, readyWorkers: metrics.readyWorkers)
        return PrometheusSource(transport: metricsTransport(metrics, tick: tick), queries: queries, clock: clock)
    }

    private func httpMetrics(_ metrics: MetricSettings, tick: Double) -> HTTPJSONSource {
        let transport = metricsTransport(metrics, tick: tick)
        let pointers = HTTPJSONSource.Pointers(
            queueDelay: metrics.queueDelay.flatMap(JSONPointer.init), queued: metrics.queued.flatMap(JSONPointer.init),
            inFlight: metrics.inFlight.flatMap(JSONPointer.init), readyWorkers: metrics.readyWorkers.flatMap(JSONPointer.init)
        )
        return HTTPJSONSource(transport: transport, pointers: pointers, clock: clock)
    }
}

/// The metrics of an endpoint whose provider reports none: every sample is missing, so the
/// endpoint holds, and the journal says why.
struct UnavailableMetrics: MetricSource {
    let reason: String

    func sample(endpointID: String) async throws(MetricError) -> MetricSample {
        throw MetricError(.noSample, reason)
    }
}
