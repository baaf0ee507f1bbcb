import ScalerCore
import ScalerMetrics
import ScalerPorts

extension ProviderModule {
    /// PPIO (`provider-notes.md` §1): the v2 endpoint API; queue counts only for async
    /// endpoints, on the async gateway.
    public static let ppio = ProviderModule(
        descriptor: ProviderDescriptor(
            kind: "ppio", summary: "PPIO serverless endpoints",
            apis: [EndpointsV2Provider.api(baseURL: "https://api.ppio.com", gateway: "https://async-public.serverless.ppinfra.com")],
            metrics: .asyncGateway
        ),
        make: EndpointsV2Provider.parts
    )
}

extension EndpointsV2Provider {
    /// The v2 API as PPIO and Novita both serve it; only the hosts differ.
    static func api(baseURL: String, gateway: String) -> APIDescriptor {
        APIDescriptor(
            name: "v2", summary: "v2: `GET` and `PUT /gpus/v2/endpoints/{id}` with every updatable field and the whole `worker_config`",
            baseURL: baseURL, healthBaseURL: gateway, auth: .bearer, writes: .replacesSettingsObject, limits: limits
        )
    }

    /// The create and update schemas' ranges (§1.2); Novita's v1 answers ranges at run time
    /// (`/endpoint/limit`) and is held to these, the same product's documented ones.
    static let limits = SettingLimits(
        replicas: 0...1000, idleTimeout: 1...1000, queueDelay: 1...1000, queueDelayWhole: true, requestCount: 1...1000
    )

    @Sendable static func parts(_ context: ProviderContext) -> ProviderParts {
        let provider = EndpointsV2Provider(transport: context.control)
        return ProviderParts(provider: provider, metrics: gatewayMetrics(context))
    }

    /// One health source for all of a provider's async endpoints, each read on its gateway name.
    static func gatewayMetrics(_ context: ProviderContext) -> @Sendable (String, String?) -> (any MetricSource)? {
        guard let base = context.healthBaseURL else { return { _, _ in nil } }
        let health = RunPodHealthSource(transport: context.transport(base, .bearer), path: { "/v1/\($0)/health" }, clock: context.clock)
        return { _, gateway in gateway.map { GatewayEndpoint(health: health, gateway: $0) } }
    }
}

/// An async endpoint's metrics, read on its gateway name rather than its id.
struct GatewayEndpoint: MetricSource {
    let health: RunPodHealthSource
    let gateway: String

    func sample(endpointID: String) async throws(MetricError) -> MetricSample {
        try await health.sample(endpointID: gateway)
    }
}
