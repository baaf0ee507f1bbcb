import ScalerMetrics
import ScalerPorts

extension ProviderModule {
    /// RunPod serverless (`provider-notes.md` §3): REST v2 by default, GraphQL for accounts that
    /// still use it; queue counts from the data plane's `/health` for every endpoint.
    public static let runpod = ProviderModule(
        descriptor: ProviderDescriptor(
            kind: "runpod", summary: "RunPod serverless endpoints",
            apis: [
                APIDescriptor(
                    name: "rest", summary: "REST v2: `GET` and a partial `PATCH /v2/serverless/{id}`",
                    baseURL: "https://api.runpod.io", healthBaseURL: RunPodHealthSource.defaultBaseURL, auth: .bearer, writes: .partial,
                    limits: SettingLimits(
                        replicas: 0...Int.max, idleTimeout: 1...3600, queueDelay: 0.5...Double.greatestFiniteMagnitude,
                        requestCount: 1...Int.max, idleTimeoutWithRequestCount: false
                    )
                ),
                APIDescriptor(
                    name: "graphql", summary: "GraphQL `myself { endpoints }` and `saveEndpoint`, which replaces the endpoint",
                    baseURL: "https://api.runpod.io", healthBaseURL: RunPodHealthSource.defaultBaseURL, auth: .query("api_key"),
                    writes: .replacesEndpoint,
                    limits: SettingLimits(
                        replicas: 0...Int.max, idleTimeout: 1...3600, queueDelay: 1...Double.greatestFiniteMagnitude,
                        queueDelayWhole: true, requestCount: 1...Int.max
                    )
                ),
            ],
            metrics: .everyEndpoint
        ),
        make: { context in
            let provider: any Provider = context.api.name == "graphql"
                ? RunPodGraphQLProvider(transport: context.control)
                : RunPodRESTProvider(transport: context.control)
            let health = RunPodHealthSource(transport: context.transport(context.healthBaseURL ?? RunPodHealthSource.defaultBaseURL, .bearer), clock: context.clock)
            return ProviderParts(provider: provider, metrics: { _, _ in health })
        }
    )
}
