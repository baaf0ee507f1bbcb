import ScalerPorts

extension ProviderModule {
    /// GPUGeek (`provider-notes.md` §4): no serverless product, so scalerd owns a pool of
    /// instances per endpoint, made from the endpoint's `instance:` block. It reports no request
    /// metrics and has no scaler or idle timeout of its own.
    public static let gpugeek = ProviderModule(
        descriptor: ProviderDescriptor(
            kind: "gpugeek", summary: "GPUGeek instances, as a pool scalerd owns per endpoint",
            apis: [
                APIDescriptor(
                    name: nil, summary: "instance create, query, action and `op/result`", baseURL: "https://api-cloud.gpugeek.com",
                    auth: .header("gz-api-token"), writes: .instancePool, limits: SettingLimits(replicas: 0...Int.max)
                ),
            ],
            metrics: .none, needsInstanceTemplate: true
        ),
        make: { context in
            ProviderParts(provider: GPUGeekPoolProvider(
                transport: context.control, account: context.name, ledger: context.ledger,
                followFor: context.followFor, clock: context.clock, monotonicClock: context.monotonicClock
            ))
        }
    )
}
