import ScalerMetrics
import ScalerPorts
import ScalerSimulation

extension ProviderModule {
    /// The built-in cloud the demo runs on: no account, no network.
    public static let simulated = ProviderModule(
        descriptor: ProviderDescriptor(
            kind: "simulated", summary: "the built-in simulated cloud (the demo)",
            apis: [
                APIDescriptor(
                    name: nil, summary: "in process", baseURL: "", auth: .none, writes: .simulated,
                    limits: SettingLimits(
                        replicas: 0...Int.max, idleTimeout: 0...Int.max, queueDelay: 0...Double.greatestFiniteMagnitude, requestCount: 1...Int.max
                    )
                ),
            ],
            credentials: .none, metrics: .everyEndpoint, takesSimulation: true
        ),
        make: { context in
            let settings = context.simulation
            let cloud = SimulatedCloud(settings: .init(
                seed: settings.seed,
                cycle: LoadCycle(period: settings.cycle, peakRPS: settings.peakRPS),
                cluster: .init(coldStart: settings.coldStart, meanServiceTime: settings.serviceTime, concurrencyPerWorker: settings.workerConcurrency)
            ))
            let metrics = SimulatedMetricSource(cloud: cloud, clock: context.clock)
            return ProviderParts(provider: SimulatedProvider(cloud: cloud, clock: context.clock), metrics: { _, _ in metrics })
        }
    )
}
