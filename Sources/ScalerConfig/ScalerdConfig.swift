import Foundation
import ScalerCore

/// The validated configuration the daemon runs.
public struct ScalerdConfig: Sendable, Hashable {
    /// The file it was read from, for messages.
    public var file: String
    public var tick: TimeInterval
    public var journal: JournalSettings
    public var log: LogSettings
    public var admin: AdminSettings
    public var providers: [ProviderConfig]
    public var endpoints: [EndpointConfig]

    public func provider(named name: String) -> ProviderConfig? {
        providers.first { $0.name == name }
    }
}

public struct JournalSettings: Sendable, Hashable, Codable {
    /// Absolute path of the SQLite file.
    public var path: String
    /// Rows that ended longer ago than this are pruned automatically; `nil` keeps everything.
    public var retention: Double?

    public init(path: String, retention: Double? = nil) {
        self.path = path
        self.retention = retention
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

public enum ProviderKind: String, Sendable, Hashable, Codable, CaseIterable {
    case runpod, ppio, novita, gpugeek, simulated
}

/// Parameters of the built-in simulated cloud (`kind: simulated`).
public struct SimulationSettings: Sendable, Hashable, Codable {
    public var seed: UInt64 = 1
    /// Seconds from pushing a replica to the worker taking requests.
    public var coldStart: TimeInterval = 10
    /// Mean seconds one request takes on a worker.
    public var serviceTime: TimeInterval = 2
    /// Requests per second at the top of the load cycle.
    public var peakRPS: Double = 4
    /// One idle -> rise -> burst -> fall -> idle cycle, in seconds.
    public var cycle: TimeInterval = 240
    /// Requests one simulated worker serves at once.
    public var workerConcurrency = 1

    public init() {}
}

/// Which of a provider's APIs to drive.
public enum ProviderAPI: String, Sendable, Hashable, Codable, CaseIterable {
    /// RunPod REST v2 (RunPod's default).
    case rest
    /// RunPod GraphQL `saveEndpoint`.
    case graphql
    /// Novita's v1 endpoint API (Novita's default).
    case v1
    /// The PPIO/Novita v2 endpoint API (PPIO's only one).
    case v2

    /// The APIs a kind offers, its default first.
    public static func offered(by kind: ProviderKind) -> [ProviderAPI] {
        switch kind {
        case .runpod: return [.rest, .graphql]
        case .novita: return [.v1, .v2]
        case .ppio: return [.v2]
        case .gpugeek, .simulated: return []
        }
    }
}

public struct ProviderConfig: Sendable, Hashable, Codable {
    public var name: String
    public var kind: ProviderKind
    public var api: ProviderAPI?
    /// Overrides the provider's control-plane host.
    public var baseURL: String?
    /// Overrides the host of the provider's data plane (RunPod's `/health`).
    public var healthBaseURL: String?
    public var apiKey: Secret?
    /// Requests per second scalerd allows itself against this provider, all endpoints together.
    public var rateLimit: Double
    /// Seconds one request may take.
    public var requestTimeout: Double
    public var simulation: SimulationSettings?
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

/// What each instance of a GPUGeek pool is created with (`kind: gpugeek` endpoints only).
public struct InstanceTemplate: Sendable, Hashable, Codable {
    public enum Billing: String, Sendable, Hashable, Codable, CaseIterable {
        case payg, bidding, daily, weekly, monthly
    }

    public var gpuName: String
    public var gpuNum: Int
    public var imageID: String
    public var skuName: Billing
    public var command: String?
    public var datacenterID: String?
    public var httpPorts: [Int]
    public var servicePorts: [Int]
    public var systemDiskSize: Int?
    public var dataDiskSize: Int?
}

public struct EndpointConfig: Sendable, Hashable, Codable {
    public var name: String
    public var provider: String
    public var id: String
    public var mode: EndpointMode
    public var policy: ScalingPolicy
    public var metrics: MetricSettings
    public var instance: InstanceTemplate?

    /// Identifies this endpoint's effective configuration in the journal: any change to what
    /// drives its decisions gives a new version.
    public var policyVersion: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(self)) ?? Data()
        return PolicyFingerprint.of(String(decoding: data, as: UTF8.self))
    }
}
