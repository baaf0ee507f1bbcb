import Foundation
import ScalerConfig
import ScalerCore
import ScalerMetrics
import ScalerProviders
import ScalerSimulation
import Synchronization

/// Builds providers and metric sources from config, by `kind`. Simulated clouds are kept across
/// reloads while their settings are unchanged, so that a reload does not reset the demo's world.
final class RuntimeFactory: Sendable {
    private let clock: @Sendable () -> Date
    private let clouds = Mutex<[String: (settings: SimulationSettings, cloud: SimulatedCloud)]>([:])

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
            let providerConfig = config.provider(named: endpoint.provider)!
            let cloud = simulatedCloud(providerConfig)
            return EndpointRuntime(
                config: endpoint,
                provider: SimulatedProvider(cloud: cloud, clock: clock),
                metrics: SimulatedMetricSource(cloud: cloud, clock: clock)
            )
        }
    }

    private func simulatedCloud(_ provider: ProviderConfig) -> SimulatedCloud {
        let settings = provider.simulation ?? SimulationSettings()
        return clouds.withLock { clouds in
            if let existing = clouds[provider.name], existing.settings == settings { return existing.cloud }
            let cloud = SimulatedCloud(settings: .init(
                seed: settings.seed,
                cycle: LoadCycle(period: settings.cycle, peakRPS: settings.peakRPS),
                cluster: .init(coldStart: settings.coldStart, meanServiceTime: settings.serviceTime, concurrencyPerWorker: settings.workerConcurrency)
            ))
            clouds[provider.name] = (settings, cloud)
            return cloud
        }
    }
}

struct RuntimeError: Error, CustomStringConvertible {
    let problems: [String]
    var description: String { problems.joined(separator: "\n") }
}
