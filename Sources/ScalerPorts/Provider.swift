import Foundation
import ScalerCore

/// The provider's own scaler, set to the same target as scalerd's policy so that it reacts in
/// the same direction between scalerd's ticks.
public enum ProviderScaler: Sendable, Hashable, CustomStringConvertible {
    /// Add workers when requests wait longer than this many seconds.
    case queueDelay(Double)
    /// Concurrent requests per worker.
    case requestCount(Int)

    public var description: String {
        switch self {
        case .queueDelay(let seconds): return "queue_delay \(String(format: "%g", seconds))s"
        case .requestCount(let count): return "request_count \(count)"
        }
    }
}

/// The settings scalerd manages on an endpoint; everything else on it is the operator's and is
/// left as it is. A field a provider does not report is `nil` and is never counted as drift.
public struct ManagedSettings: Sendable, Hashable {
    /// Workers kept running: the replica count scalerd decides.
    public var minReplicas: Int
    public var maxReplicas: Int?
    /// The provider's per-worker idle timeout, in seconds.
    public var idleTimeout: Int?
    public var scaler: ProviderScaler?
    /// Instance pools: members scalerd created that are stopped. They bill storage, take no
    /// requests, and scalerd releases them, so the wanted count is always zero.
    public var stoppedMembers: Int?

    public init(minReplicas: Int, maxReplicas: Int? = nil, idleTimeout: Int? = nil, scaler: ProviderScaler? = nil, stoppedMembers: Int? = nil) {
        self.minReplicas = minReplicas
        self.maxReplicas = maxReplicas
        self.idleTimeout = idleTimeout
        self.scaler = scaler
        self.stoppedMembers = stoppedMembers
    }

    /// Fields other than the replica count where the live endpoint differs from what scalerd wants.
    /// Under `control: exact` the maximum moves with every decision, as the minimum does: it has
    /// drifted only when it no longer equals the live minimum.
    public func drift(toward wanted: ManagedSettings, control: ControlMode = .floor) -> [SettingDrift] {
        var drift: [SettingDrift] = []
        if control == .exact {
            if let live = maxReplicas, let want = wanted.maxReplicas, live != minReplicas {
                drift.append(SettingDrift(field: "max_replicas", live: "\(live)", wanted: "\(want)"))
            }
        } else if let live = maxReplicas, let want = wanted.maxReplicas, live != want {
            drift.append(SettingDrift(field: "max_replicas", live: "\(live)", wanted: "\(want)"))
        }
        if let live = idleTimeout, let want = wanted.idleTimeout, live != want {
            drift.append(SettingDrift(field: "idle_timeout", live: "\(live)", wanted: "\(want)"))
        }
        if let live = scaler, let want = wanted.scaler, live != want {
            drift.append(SettingDrift(field: "scaler", live: "\(live)", wanted: "\(want)"))
        }
        if let live = stoppedMembers, live > 0 {
            drift.append(SettingDrift(field: "stopped_instances", live: "\(live)", wanted: "0"))
        }
        return drift
    }
}

/// An endpoint as its provider reports it.
public struct EndpointStatus: Sendable, Hashable {
    public var settings: ManagedSettings
    /// Workers taking requests now, when the provider says.
    public var readyWorkers: Int?

    public init(settings: ManagedSettings, readyWorkers: Int? = nil) {
        self.settings = settings
        self.readyWorkers = readyWorkers
    }

    public var replicas: Int { settings.minReplicas }
}

/// One endpoint as a provider client needs it: the provider's own id, and for instance pools
/// what each instance is made from.
public struct EndpointTarget: Sendable, Hashable {
    public var id: String
    public var pool: PoolSpec?

    public init(id: String, pool: PoolSpec? = nil) {
        self.id = id
        self.pool = pool
    }
}

/// A GPU cloud that hosts endpoints. One file per provider, described by its
/// `ProviderDescriptor`. `apply` is absolute: repeating it is harmless. Both change nothing but
/// what `ManagedSettings` names; a write to an API that replaces the endpoint sends everything
/// else back exactly as a fresh read returned it.
public protocol Provider: Sendable {
    /// The endpoint's managed settings and ready workers, from one read.
    func read(_ endpoint: EndpointTarget) async throws(ProviderError) -> EndpointStatus
    /// Makes the endpoint's managed settings `wanted`, already within the provider's ranges.
    func apply(_ wanted: ManagedSettings, to endpoint: EndpointTarget) async throws(ProviderError)
}
