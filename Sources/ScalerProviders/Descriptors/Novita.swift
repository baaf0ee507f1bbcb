import ScalerPorts

extension ProviderModule {
    /// Novita (`provider-notes.md` §2): the v1 endpoint API by default, whose update replaces
    /// the endpoint, or the v2 API that PPIO also serves; queue counts only for async endpoints.
    public static let novita = ProviderModule(
        descriptor: ProviderDescriptor(
            kind: "novita", summary: "Novita serverless endpoints",
            apis: [
                APIDescriptor(
                    name: "v1", summary: "v1: `GET .../v1/endpoint?id=` and `POST .../v1/endpoint/update`, which replaces the endpoint",
                    baseURL: "https://api.novita.ai", healthBaseURL: "https://async-public.serverless.novita.ai", auth: .bearer,
                    writes: .replacesEndpoint, limits: EndpointsV2Provider.limits
                ),
                EndpointsV2Provider.api(baseURL: "https://api.novita.ai", gateway: "https://async-public.serverless.novita.ai"),
            ],
            metrics: .asyncGateway
        ),
        make: { context in
            guard context.api.name == "v1" else { return EndpointsV2Provider.parts(context) }
            let provider = NovitaV1Provider(transport: context.control)
            return ProviderParts(provider: provider, metrics: EndpointsV2Provider.gatewayMetrics(context))
        }
    )
}
