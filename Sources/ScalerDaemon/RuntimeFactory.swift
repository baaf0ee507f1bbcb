import AsyncHTTPClient
import Foundation
import ScalerConfig
import ScalerCore
import ScalerHTTP
import ScalerMetrics
import ScalerProviders
import ScalerSimulation
import Synchronization

/// Builds providers and metric sources from config, by `kind` and `metrics.source`. What a
/// provider shares across its endpoints (its rate limit, the simulated world, the history a
/// health source estimates from) is kept across reloads while the provider's config is unchanged.
final class RuntimeFactory: Sendable {
    /// One provider's shared parts.
    private struct Shared: Sendable {
        let key: CacheKey
        let limiter: RateLimiter
        /// The endpoint-independent provider; `nil` for GPUGeek, whose pools differ per endpoint.
        let provider: (any Provider)?
        /// What the provider itself reports, where it reports anything.
        let providerMetrics: (any MetricSource)?
    }

    private struct CacheKey: Hashable {
        let config: ProviderConfig
        let tick: Double
    }

    private let clock: @Sendable () -> Date
    private let http: HTTPClient
    let pushed: PushedSamples
    private let metrics: DaemonMetrics?
    private let cache = Mutex<[String: Shared]>([:])

    init(http: HTTPClient, pushed: PushedSamples = PushedSamples(), metrics: DaemonMetrics? = nil, clock: @escaping @Sendable () -> Date) {
        self.http = http
        self.pushed = pushed
        self.metrics = metrics
        self.clock = clock
    }

    /// Config validation has already refused every endpoint whose metrics cannot be had.
    func runtimes(for config: ScalerdConfig) -> [EndpointRuntime] {
        config.endpoints.map { endpoint in
            let providerConfig = config.provider(named: endpoint.provider)!
            let shared = shared(providerConfig, tick: config.tick)
            let provider = shared.provider ?? GPUGeekPoolProvider(
                transport: transport(providerConfig, tick: config.tick, base: providerConfig.baseURL ?? GPUGeekPoolProvider.defaultBaseURL,
                                     limiter: shared.limiter, auth: .header("gz-api-token")),
                template: GPUGeekInstanceTemplate(endpoint.instance!),
                followFor: max(0.2, config.tick * 0.3)
            )
            let metrics: any MetricSource
            switch endpoint.metrics.source {
            case .http: metrics = httpMetrics(endpoint.metrics, tick: config.tick)
            case .prometheus: metrics = prometheusMetrics(endpoint.metrics, tick: config.tick)
            case .push: metrics = PushSource(samples: pushed, endpointName: endpoint.name, ttl: endpoint.metrics.ttl ?? endpoint.policy.maxMetricAge, clock: clock)
            case .provider:
                metrics = shared.providerMetrics ?? gatewayHealth(providerConfig, endpoint: endpoint, tick: config.tick, limiter: shared.limiter)
            }
            return EndpointRuntime(config: endpoint, provider: provider, metrics: metrics)
        }
    }

    private func shared(_ config: ProviderConfig, tick: Double) -> Shared {
        let key = CacheKey(config: config, tick: tick)
        return cache.withLock { cache in
            if let existing = cache[config.name], existing.key == key { return existing }
            // One budget of requests per provider, whichever of its hosts they go to.
            let limiter = RateLimiter(requestsPerSecond: config.rateLimit)
            func on(_ base: String, _ auth: Auth = .bearer) -> ProviderTransport {
                transport(config, tick: tick, base: config.baseURL ?? base, limiter: limiter, auth: auth)
            }
            let shared: Shared
            switch (config.kind, config.api) {
            case (.simulated, _):
                let provider = simulatedProvider(config)
                shared = Shared(key: key, limiter: limiter, provider: provider, providerMetrics: SimulatedMetricSource(cloud: provider.cloud, clock: clock))
            case (.runpod, let api):
                let provider: any Provider = api == .graphql
                    // GraphQL takes the key in its query string, never in a header.
                    ? RunPodGraphQLProvider(transport: on(RunPodGraphQLProvider.defaultBaseURL, .none), apiKey: config.apiKey?.reveal() ?? "")
                    : RunPodRESTProvider(transport: on(RunPodRESTProvider.defaultBaseURL))
                let health = transport(config, tick: tick, base: config.healthBaseURL ?? RunPodHealthSource.defaultBaseURL, limiter: limiter, auth: .bearer)
                shared = Shared(key: key, limiter: limiter, provider: provider, providerMetrics: RunPodHealthSource(transport: health, clock: clock))
            case (.novita, .v1?):
                shared = Shared(key: key, limiter: limiter, provider: NovitaV1Provider(transport: on(NovitaV1Provider.defaultBaseURL)), providerMetrics: nil)
            case (.novita, _):
                shared = Shared(key: key, limiter: limiter, provider: EndpointsV2Provider(transport: on(EndpointsV2Provider.novitaBaseURL)), providerMetrics: nil)
            case (.ppio, _):
                shared = Shared(key: key, limiter: limiter, provider: EndpointsV2Provider(transport: on(EndpointsV2Provider.ppioBaseURL)), providerMetrics: nil)
            case (.gpugeek, _):
                shared = Shared(key: key, limiter: limiter, provider: nil, providerMetrics: nil)
            }
            cache[config.name] = shared
            return shared
        }
    }

    private enum Auth {
        case bearer
        case header(String)
        case none
    }

    /// The whole retry budget fits in the share of a tick that observe or act may take.
    private func transport(_ config: ProviderConfig, tick: Double, base: String, limiter: RateLimiter?, auth: Auth) -> ProviderTransport {
        let key = config.apiKey?.reveal() ?? ""
        let headers: [(String, String)]
        switch auth {
        case .bearer: headers = [("Authorization", "Bearer \(key)")]
        case .header(let name): headers = [(name, key)]
        case .none: headers = []
        }
        let metrics = self.metrics
        let provider = config.name
        return ProviderTransport(
            client: http, baseURL: base, headers: headers, secrets: [key], limiter: limiter,
            settings: settings(timeout: config.requestTimeout, tick: tick),
            observer: { request, status in metrics?.recordProviderRequest(provider: provider, method: request.method.rawValue, status: status) }
        )
    }

    private func settings(timeout: Double, tick: Double) -> ProviderTransport.Settings {
        var settings = ProviderTransport.Settings()
        settings.requestTimeout = min(timeout, max(0.2, tick * 0.4))
        settings.retry.budget = max(0.2, tick * 0.4)
        return settings
    }

    /// The `/health` of a PPIO or Novita async endpoint's gateway.
    private func gatewayHealth(_ config: ProviderConfig, endpoint: EndpointConfig, tick: Double, limiter: RateLimiter) -> RunPodHealthSource {
        let base = config.healthBaseURL ?? (config.kind == .ppio ? RunPodHealthSource.ppioGatewayURL : RunPodHealthSource.novitaGatewayURL)
        let gateway = endpoint.metrics.gatewayName ?? endpoint.id
        return RunPodHealthSource(
            transport: transport(config, tick: tick, base: base, limiter: limiter, auth: .bearer),
            path: { _ in "/v1/\(gateway)/health" }, clock: clock
        )
    }

    /// A metrics service's transport: its own host, so none of a provider's rate limit.
    private func metricsTransport(_ metrics: MetricSettings, tick: Double) -> ProviderTransport {
        let token = metrics.bearerToken?.reveal()
        return ProviderTransport(
            client: http, baseURL: metrics.url ?? "", headers: token.map { [("Authorization", "Bearer \($0)")] } ?? [],
            secrets: token.map { [$0] } ?? [], settings: settings(timeout: 10, tick: tick)
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

extension GPUGeekInstanceTemplate {
    init(_ template: InstanceTemplate) {
        self.init(
            gpuName: template.gpuName, gpuNum: template.gpuNum, imageID: template.imageID, skuName: template.skuName.rawValue,
            command: template.command, datacenterID: template.datacenterID, httpPorts: template.httpPorts,
            servicePorts: template.servicePorts, systemDiskSize: template.systemDiskSize, dataDiskSize: template.dataDiskSize
        )
    }
}

