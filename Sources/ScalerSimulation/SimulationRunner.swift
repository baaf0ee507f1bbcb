import Foundation
import ScalerCore
import ScalerPorts
import Synchronization

/// Runs an endpoint's scalerd policy and the baselines on one simulator, in parallel, in a fixed
/// report order.
public struct SimulationRunner: Sendable {
    public static let baselineNames = ["static-peak", "k8s-hpa", "knative-kpa", "runpod-queue-delay", "runpod-request-count", "ray-serve"]

    public var simulator: Simulator
    public var policy: ScalingPolicy
    public var endpointName: String
    public var tick: Double
    /// The wall-clock instant the trace starts at, for schedules.
    public var epoch: Date
    /// Receives scalerd's decisions, when set.
    public var decisionLog: DecisionLog?
    /// Other scalerd policies to run beside the endpoint's own, each reported under its name.
    public var candidates: [Candidate] = []
    /// The documented ranges of the endpoint's provider API: scalerd's pushes are normalized to
    /// them, as the daemon does, before the provider's scaler runs with them.
    public var limits = ProviderControlledStrategy.anyProvider

    /// A policy to compare with the endpoint's own, as `scalerd simulate --candidate` loads it.
    public struct Candidate: Sendable {
        public var name: String
        public var policy: ScalingPolicy
        public var tick: Double

        public init(name: String, policy: ScalingPolicy, tick: Double) {
            self.name = name
            self.policy = policy
            self.tick = tick
        }
    }

    public init(
        simulator: Simulator, policy: ScalingPolicy, endpointName: String, tick: Double,
        epoch: Date = ScalerdStrategy.defaultEpoch, decisionLog: DecisionLog? = nil
    ) {
        self.simulator = simulator
        self.policy = policy
        self.endpointName = endpointName
        self.tick = tick
        self.epoch = epoch
        self.decisionLog = decisionLog
    }

    public func strategies(lowerBound: LowerBound, only names: Set<String>? = nil) -> [any ScalingStrategy] {
        let chosen: [any ScalingStrategy] = ([controlled(ScalerdStrategy(policy: policy, tick: tick, epoch: epoch, log: decisionLog))]
            + Baselines.all(policy: policy, model: simulator.model, lowerBound: lowerBound))
            .filter { names?.contains($0.name) ?? true }
        let compared = candidates.map { controlled(ScalerdStrategy(name: $0.name, policy: $0.policy, tick: $0.tick, epoch: epoch)) }
        return Array(chosen.prefix { !Self.baselineNames.contains($0.name) }) + compared
            + chosen.filter { Self.baselineNames.contains($0.name) }
    }

    /// scalerd with the provider's own scaler around it, as its control mode leaves it.
    public func controlled(_ scalerd: ScalerdStrategy) -> ProviderControlledStrategy {
        ProviderControlledStrategy(
            scalerd: scalerd, limits: limits, providerIdleTimeout: simulator.model.providerIdleTimeout, perWorker: simulator.model.concurrency
        )
    }

    /// `progress` receives the overall share done, from any thread.
    public func run(only names: Set<String>? = nil, progress: (@Sendable (Double) -> Void)? = nil) async -> SimulationReport {
        let bounds = simulator.bounds(minReplicas: policy.minReplicas)
        let strategies = strategies(lowerBound: bounds.oracle, only: names)
        let shares = ProgressShares(count: strategies.count)
        let simulator = self.simulator
        let results = await withTaskGroup(of: (Int, PolicyResult).self) { group in
            for (index, strategy) in strategies.enumerated() {
                group.addTask {
                    let result = simulator.run(strategy, bounds: bounds) { share in
                        progress?(shares.update(index, to: share))
                    }
                    return (index, result)
                }
            }
            var ordered = [PolicyResult?](repeating: nil, count: strategies.count)
            for await (index, result) in group { ordered[index] = result }
            return ordered.compactMap { $0 }
        }
        return SimulationReport(simulator: simulator, bounds: bounds, policies: results, baselines: Set(Self.baselineNames))
    }
}

/// Each run's share done, combined into one figure.
private final class ProgressShares: Sendable {
    private let shares: Mutex<[Double]>

    init(count: Int) {
        shares = Mutex([Double](repeating: 0, count: count))
    }

    func update(_ index: Int, to share: Double) -> Double {
        shares.withLock { shares in
            shares[index] = share
            return shares.reduce(0, +) / Double(max(shares.count, 1))
        }
    }
}
