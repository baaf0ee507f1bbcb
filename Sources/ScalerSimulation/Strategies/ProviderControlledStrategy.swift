import Foundation
import ScalerCore
import ScalerPorts

/// scalerd as it runs in production. Each tick it decides and the daemon pushes the decision as
/// the daemon does (`pushed`: `ManagedSettings.wanted` within the API's documented ranges).
/// Between ticks the provider's own scaler, set as pushed, moves the fleet within [min, max]:
/// under `control: floor` it adds workers above scalerd's floor and releases each after the pushed
/// per-worker idle timeout; under `control: exact` min = max leaves it no room.
public struct ProviderControlledStrategy: ScalingStrategy {
    /// The provider scaler's check interval (RunPod's, our reading of its docs).
    public static let providerCheck: Double = 2

    /// Ranges that take every setting as asked: a provider no narrower than the policy.
    public static let anyProvider = SettingLimits(
        replicas: 0...Int.max, idleTimeout: 0...Int.max, queueDelay: 0...Double.greatestFiniteMagnitude, requestCount: 1...Int.max
    )

    public var name: String { scalerd.name }
    public let interval: Double
    public var initialReplicas: Int { scalerd.initialReplicas }
    private var scalerd: ScalerdStrategy
    private let limits: SettingLimits
    private let providerIdleTimeout: Double
    private let perWorker: Int
    private var settings: ManagedSettings
    private var providerScaler: ProviderScalerModel
    private var nextDecision = 0.0

    /// `providerIdleTimeout` is what the provider uses when the API takes none from scalerd (RunPod
    /// REST with a request-count scaler keeps its own, 5 s by default).
    public init(scalerd: ScalerdStrategy, limits: SettingLimits = anyProvider, providerIdleTimeout: Double, perWorker: Int) {
        self.scalerd = scalerd
        self.limits = limits
        self.providerIdleTimeout = providerIdleTimeout
        self.perWorker = max(1, perWorker)
        // Whole checks per tick, so that scalerd decides exactly on its own tick.
        interval = scalerd.interval / (scalerd.interval / Self.providerCheck).rounded(.up)
        settings = Self.pushed(replicas: scalerd.policy.minReplicas, ceiling: scalerd.policy.maxReplicas, policy: scalerd.policy, limits: limits)
        providerScaler = ProviderScalerModel(settings: settings, defaultIdleTimeout: providerIdleTimeout, perWorker: self.perWorker)
    }

    /// What the daemon pushes for a decision: the same function, the same ranges.
    public static func pushed(replicas: Int, ceiling: Int, policy: ScalingPolicy, limits: SettingLimits) -> ManagedSettings {
        limits.normalized(.wanted(replicas: replicas, ceiling: ceiling, policy: policy))
    }

    public var summary: String {
        let control: String
        switch (scalerd.policy.control, settings.scaler) {
        case (.exact, _): control = "control exact (min = max)"
        case (.floor, nil): control = "control floor, no provider scaler"
        case (.floor, let scaler?):
            control = "control floor (provider \(scaler), idle \(CompactNumber.text(Double(settings.idleTimeout ?? Int(providerIdleTimeout))))s per worker)"
        }
        return scalerd.summary + ", " + control
    }

    public mutating func desiredReplicas(_ view: ClusterView) -> Int {
        if view.time >= nextDecision - 1e-9 {
            // The provider reports the floor scalerd set, not the workers its own scaler added.
            let decision = scalerd.decide(view.reporting(replicas: settings.minReplicas))
            settings = Self.pushed(
                replicas: decision.desiredReplicas, ceiling: decision.ceiling ?? scalerd.policy.maxReplicas,
                policy: scalerd.policy, limits: limits
            )
            providerScaler = ProviderScalerModel(settings: settings, defaultIdleTimeout: providerIdleTimeout, perWorker: perWorker)
            nextDecision += scalerd.interval
        }
        return providerScaler.desiredReplicas(view)
    }
}

/// A provider's own scaler as scalerd leaves it set. RunPod's documented QUEUE_DELAY and
/// REQUEST_COUNT; PPIO's and Novita's `queue` and `concurrency` policies are read the same way,
/// since their documents say no more than that.
enum ProviderScalerModel {
    case queueDelay(RunPodQueueDelayStrategy)
    case requestCount(RunPodRequestCountStrategy)
    /// No scaler of its own: the fleet is the floor.
    case none(replicas: Int)

    init(settings: ManagedSettings, defaultIdleTimeout: Double, perWorker: Int) {
        let floor = settings.minReplicas
        let ceiling = max(floor, settings.maxReplicas ?? floor)
        let idle = settings.idleTimeout.map(Double.init) ?? defaultIdleTimeout
        switch settings.scaler {
        case .queueDelay(let seconds)?:
            self = .queueDelay(RunPodQueueDelayStrategy(threshold: seconds, idleTimeout: idle, perWorker: perWorker, minReplicas: floor, maxReplicas: ceiling))
        case .requestCount(let count)?:
            self = .requestCount(RunPodRequestCountStrategy(requestsPerWorker: Double(count), idleTimeout: idle, minReplicas: floor, maxReplicas: ceiling))
        case nil:
            self = .none(replicas: floor)
        }
    }

    mutating func desiredReplicas(_ view: ClusterView) -> Int {
        switch self {
        case .queueDelay(var scaler):
            defer { self = .queueDelay(scaler) }
            return scaler.desiredReplicas(view)
        case .requestCount(var scaler):
            defer { self = .requestCount(scaler) }
            return scaler.desiredReplicas(view)
        case .none(let replicas):
            return replicas
        }
    }
}
