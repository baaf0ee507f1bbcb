import Foundation
import ScalerCore
import ScalerPorts

/// The validated configuration the daemon runs.
public struct ScalerdConfig: Sendable, Hashable {
    /// The file it was read from, for messages.
    public var file: String
    public var tick: TimeInterval
    public var journal: JournalSettings
    public var log: LogSettings
    public var admin: AdminSettings
    /// Leadership among instances sharing one PostgreSQL; `nil`: this instance acts alone.
    public var ha: HASettings?
    public var providers: [ProviderConfig]
    public var endpoints: [EndpointConfig]

    public func provider(named name: String) -> ProviderConfig? {
        providers.first { $0.name == name }
    }

    /// Identifies what the daemon runs (every endpoint's policy version, the providers, the
    /// tick), for the start and reload records.
    public var version: String {
        version(policyVersions: endpoints.map(\.policyVersion))
    }

    /// `version`, from each endpoint's policy version (in `endpoints`' order) computed already:
    /// each is a fingerprint of the endpoint's whole JSON, which 10,000 endpoints feel.
    public func version(policyVersions: [String]) -> String {
        let providerText = providers.map { "\($0.name)|\($0.kind)|\($0.api.name?.rawValue ?? "")|\($0.baseURL ?? "")|\($0.healthBaseURL ?? "")" }
        let endpointText = zip(endpoints, policyVersions).map { "\($0.name)=\($1)|\($0.onStop.rawValue)" }
        return PolicyFingerprint.of((["tick=\(tick)"] + providerText + endpointText).joined(separator: "\n"))
    }
}

public struct JournalSettings: Sendable, Hashable {
    /// Where the journal is kept.
    public enum Store: Sendable, Hashable {
        /// A SQLite file on this machine: the default.
        case file(path: String)
        /// A PostgreSQL database that instances, auditors and dashboards share.
        case postgres(PostgresLocation)
    }

    public var store: Store
    /// Rows that ended longer ago than this are pruned automatically; `nil` keeps everything.
    public var retention: Double?
    /// How long a repeating hold's newest evaluations may stay only in memory (0: none).
    public var holdWriteInterval: Double

    public static let defaultHoldWriteInterval: Double = 10

    public init(store: Store, retention: Double? = nil, holdWriteInterval: Double = Self.defaultHoldWriteInterval) {
        self.store = store
        self.retention = retention
        self.holdWriteInterval = holdWriteInterval
    }

    public init(path: String, retention: Double? = nil, holdWriteInterval: Double = Self.defaultHoldWriteInterval) {
        self.init(store: .file(path: path), retention: retention, holdWriteInterval: holdWriteInterval)
    }

    /// The SQLite file's absolute path; nil for a journal in PostgreSQL.
    public var path: String? {
        guard case .file(let path) = store else { return nil }
        return path
    }

    /// The journal's PostgreSQL database; nil for a SQLite file.
    public var postgres: PostgresLocation? {
        guard case .postgres(let location) = store else { return nil }
        return location
    }

    /// Where the journal is, as logs and `check` name it: a path, or a URL without a password.
    public var location: String {
        switch store {
        case .file(let path): path
        case .postgres(let location): location.url
        }
    }
}

/// The admin HTTP API: where it listens and the token it wants.
public struct AdminSettings: Sendable, Hashable, Codable {
    public enum Listen: Sendable, Hashable, Codable, CustomStringConvertible {
        case tcp(host: String, port: Int)
        case unix(path: String)

        public var description: String {
            switch self {
            case .tcp(let host, let port): return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
            case .unix(let path): return "unix:\(path)"
            }
        }

        /// Reachable only from this machine.
        public var isLocal: Bool {
            switch self {
            case .unix: return true
            case .tcp(let host, _): return host == "localhost" || host == "::1" || host.hasPrefix("127.")
            }
        }
    }

    public static let defaultListen = Listen.tcp(host: "127.0.0.1", port: 9465)

    public var listen: Listen
    /// Required off loopback; with it, every route but `/healthz` and `/metrics` wants `Authorization: Bearer`.
    public var token: Secret?
}

public enum LogLevelSetting: String, Sendable, Hashable, Codable, CaseIterable {
    case trace, debug, info, notice, warning, error, critical
}

public enum LogFormat: String, Sendable, Hashable, Codable, CaseIterable {
    case text, json
}

public struct LogSettings: Sendable, Hashable, Codable {
    public var level: LogLevelSetting
    public var format: LogFormat
}

public struct ProviderConfig: Sendable, Hashable {
    public var name: String
    /// What the provider's `kind` names: its APIs, ranges and capabilities.
    public var descriptor: ProviderDescriptor
    /// The API chosen with `api`, or the kind's default.
    public var api: APIDescriptor
    /// Overrides the provider's control-plane host.
    public var baseURL: String?
    /// Overrides the host of the provider's data plane (RunPod's `/health`).
    public var healthBaseURL: String?
    public var apiKey: Secret?
    /// Requests per second scalerd allows itself against this provider, all endpoints together.
    public var rateLimit: Double
    /// Seconds one request may take; `nil` is all of a call's share of the tick.
    public var requestTimeout: Double?
    public var simulation: SimulationSettings?

    public var kind: ProviderKind { descriptor.kind }

    /// Seconds one provider call (a read, or a write with its retries) may take: the share of a
    /// tick that leaves the rest of it for deciding and journalling.
    public static func callBudget(tick: TimeInterval) -> TimeInterval { max(0.2, tick * 0.4) }
}

public enum EndpointMode: String, Sendable, Hashable, Codable, CaseIterable {
    case enforce
    case dryRun = "dry-run"
}

public enum MetricSourceKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// What the endpoint's provider itself reports.
    case provider
    /// Any URL answering JSON, with a JSON Pointer per metric.
    case http
    /// Instant PromQL queries, one per metric.
    case prometheus
    /// Samples a gateway POSTs to the admin API (`/v1/endpoints/{name}/metrics`).
    case push
}

/// Where one endpoint's metrics come from.
public struct MetricSettings: Sendable, Hashable, Codable {
    public var source: MetricSourceKind
    /// `http`: the URL to GET, each metric a JSON Pointer into its answer. `prometheus`: the
    /// server's URL, each metric a PromQL expression.
    public var url: String?
    public var queueDelay: String?
    public var queued: String?
    public var inFlight: String?
    public var readyWorkers: String?
    public var bearerToken: Secret?
    /// `push`: how long a pushed sample counts.
    public var ttl: Double?
    /// `provider` on PPIO or Novita: the async endpoint's gateway name, `<endpoint-id>-<app-name>`.
    public var gatewayName: String?

    public init(source: MetricSourceKind, url: String? = nil, queueDelay: String? = nil, queued: String? = nil,
                inFlight: String? = nil, readyWorkers: String? = nil, bearerToken: Secret? = nil) {
        self.source = source
        self.url = url
        self.queueDelay = queueDelay
        self.queued = queued
        self.inFlight = inFlight
        self.readyWorkers = readyWorkers
        self.bearerToken = bearerToken
    }
}

public struct EndpointConfig: Sendable, Hashable, Codable {
    public var name: String
    public var provider: String
    public var id: String
    public var mode: EndpointMode
    public var policy: ScalingPolicy
    public var metrics: MetricSettings
    public var instance: InstanceTemplate?
    /// What a graceful stop leaves the endpoint with; not part of its policy version.
    public var onStop: OnStop = .release

    enum CodingKeys: String, CodingKey {
        case name, provider, id, mode, policy, metrics, instance
    }

    /// Identifies this endpoint's effective configuration in the journal: any change to what
    /// drives its decisions gives a new version.
    public var policyVersion: String {
        PolicyFingerprint.of(canonicalJSON)
    }

    /// The effective configuration as JSON with sorted keys: what the journal keeps for each
    /// policy version, and what the version is the fingerprint of.
    public var canonicalJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(self)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
