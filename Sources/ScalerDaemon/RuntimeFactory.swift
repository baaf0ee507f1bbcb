import Foundation
import ScalerConfig
import ScalerCore
import ScalerMetrics
import ScalerProviders
import ScalerSimulation
import Synchronization

/// Builds providers and metric sources from config, by `kind`. A provider is kept across reloads
/// while its config is unchanged, so that a reload resets neither the demo's world nor a
/// provider's rate limit.
final class RuntimeFactory: Sendable {
    private let clock: @Sendable () -> Date
    private let simulated = Mutex<[String: (config: ProviderConfig, provider: SimulatedProvider)]>([:])

    init(clock: @escaping @Sendable () -> Date) {
        self.clock = clock
    }

    /// Kinds this build can drive; config validation accepts all documented kinds.
    static func unsupported(_ config: ScalerdConfig) -> [String] {
        config.providers.compactMap { provider in
            provider.kind == .simulated ? nil
                : "\(config.file): providers.\(provider.name): kind '\(provider.kind.rawValue)' is not available in this build yet; only 'simulated' is"
        }
    }

    func runtimes(for config: ScalerdConfig) throws(RuntimeError) -> [EndpointRuntime] {
        let problems = Self.unsupported(config)
        guard problems.isEmpty else { throw RuntimeError(problems: problems) }
        return config.endpoints.map { endpoint in
            let provider = simulatedProvider(config.provider(named: endpoint.provider)!)
            return EndpointRuntime(
                config: endpoint,
                provider: provider,
                metrics: SimulatedMetricSource(cloud: provider.cloud, clock: clock)
            )
        }
    }

    private func simulatedProvider(_ config: ProviderConfig) -> SimulatedProvider {
        simulated.withLock { cache in
            if let existing = cache[config.name], existing.config == config { return existing.provider }
            let settings = config.simulation ?? SimulationSettings()
            let cloud = SimulatedCloud(settings: .init(
                seed: settings.seed,
                cycle: LoadCycle(period: settings.cycle, peakRPS: settings.peakRPS),
                cluster: .init(coldStart: settings.coldStart, meanServiceTime: settings.serviceTime, concurrencyPerWorker: settings.workerConcurrency)
            ))
            let provider = SimulatedProvider(cloud: cloud, clock: clock)
            cache[config.name] = (config, provider)
            return provider
        }
    }
}

struct RuntimeError: Error, CustomStringConvertible {
    let problems: [String]
    var description: String { problems.joined(separator: "\n") }
}
