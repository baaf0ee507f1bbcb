import Foundation
import ScalerCore
import ScalerHTTP

/// The provider's own scaler, set to the same target as scalerd's policy so that it reacts in
/// the same direction between scalerd's ticks.
public enum ProviderScaler: Sendable, Hashable, CustomStringConvertible {
    /// Add workers when requests wait longer than this many seconds.
    case queueDelay(Double)
    /// Concurrent requests per worker.
    case requestCount(Int)

    /// PPIO's and Novita's `policy {type, value}`: `queue` (seconds of waiting) or `concurrency`.
    init?(policy: JSON?) {
        guard let value = policy?["value"]?.int else { return nil }
        switch policy?["type"]?.string {
        case "queue": self = .queueDelay(Double(value))
        case "concurrency": self = .requestCount(value)
        default: return nil
        }
    }

    /// The same, as PPIO and Novita take it: a whole number of seconds or requests.
    var policy: JSON {
        switch self {
        case .queueDelay(let seconds): return ["type": "queue", "value": JSON(Int(seconds.rounded(.up)))]
        case .requestCount(let count): return ["type": "concurrency", "value": JSON(count)]
        }
    }

    public var description: String {
        switch self {
        case .queueDelay(let seconds): return "queue_delay \(String(format: "%g", seconds))s"
        case .requestCount(let count): return "request_count \(count)"
        }
    }
}

/// The settings scalerd manages on an endpoint. A field a provider does not report is `nil` and
/// is never counted as drift.
public struct ManagedSettings: Sendable, Hashable {
    /// Workers kept running: the replica count scalerd decides.
    public var minReplicas: Int
    public var maxReplicas: Int?
    public var idleTimeout: Int?
    public var scaler: ProviderScaler?

    public init(minReplicas: Int, maxReplicas: Int? = nil, idleTimeout: Int? = nil, scaler: ProviderScaler? = nil) {
        self.minReplicas = minReplicas
        self.maxReplicas = maxReplicas
        self.idleTimeout = idleTimeout
        self.scaler = scaler
    }

    /// Fields other than the replica count where the live endpoint differs from what scalerd wants.
    public func drift(toward wanted: ManagedSettings) -> [SettingDrift] {
        var drift: [SettingDrift] = []
        if let live = maxReplicas, let want = wanted.maxReplicas, live != want {
            drift.append(SettingDrift(field: "max_replicas", live: "\(live)", wanted: "\(want)"))
        }
        if let live = idleTimeout, let want = wanted.idleTimeout, live != want {
            drift.append(SettingDrift(field: "idle_timeout", live: "\(live)", wanted: "\(want)"))
        }
        if let live = scaler, let want = wanted.scaler, live != want {
            drift.append(SettingDrift(field: "scaler", live: "\(live)", wanted: "\(want)"))
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

/// A GPU cloud that hosts endpoints. One file per provider, chosen by `kind` in the config.
/// `apply` is absolute: repeating it is harmless.
public protocol Provider: Sendable {
    func read(endpointID: String) async throws(ProviderError) -> EndpointStatus
    func apply(_ wanted: ManagedSettings, endpointID: String) async throws(ProviderError)
    /// What `wanted` becomes within this provider's documented ranges and vocabulary, so that a
    /// value it cannot hold is not reported as drift forever.
    func normalized(_ wanted: ManagedSettings) -> ManagedSettings
}

extension Provider {
    public func normalized(_ wanted: ManagedSettings) -> ManagedSettings { wanted }
}
