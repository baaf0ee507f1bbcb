import Foundation
import ScalerHTTP
import Synchronization

/// The PPIO/Novita v2 endpoint API (`/gpus/v2/endpoints`), one client for both hosts. Whether
/// `PUT` replaces or merges is undocumented, so an update always sends the complete
/// `worker_config` and echoes every other updatable field from a fresh read.
public final class EndpointsV2Provider: Provider {
    public static let ppioBaseURL = "https://api.ppio.com"
    public static let novitaBaseURL = "https://api.novita.ai"

    /// Top-level fields the update accepts; everything else in a read (`type`, `app_name`,
    /// `status`, `workers`, ...) is read-only.
    static let updatableFields = [
        "name", "product_id", "worker_config", "policy", "image", "registry_auth_id", "entrypoint", "command",
        "health_check", "envs", "ports", "volumes", "region_id",
    ]

    private let transport: ProviderTransport
    /// Endpoint names resolved to ids through the list call, so that a config may name either.
    private let resolved = Mutex<[String: String]>([:])

    public init(transport: ProviderTransport) {
        self.transport = transport
    }

    public func read(endpointID: String) async throws(ProviderError) -> EndpointStatus {
        let (_, endpoint) = try await fetch(endpointID)
        return try Self.status(from: endpoint)
    }

    public func apply(_ wanted: ManagedSettings, endpointID: String) async throws(ProviderError) {
        let (id, endpoint) = try await fetch(endpointID)
        guard var workerConfig = endpoint["worker_config"], workerConfig.object != nil else {
            throw ProviderError(.malformed, "GET /gpus/v2/endpoints/\(id): worker_config missing")
        }
        workerConfig["min_replicas"] = JSON(wanted.minReplicas)
        workerConfig["max_replicas"] = JSON(wanted.maxReplicas ?? max(wanted.minReplicas, workerConfig["max_replicas"]?.int ?? 0))
        if let idle = wanted.idleTimeout { workerConfig["idle_timeout"] = JSON(idle) }
        var body: [String: JSON] = [:]
        for field in Self.updatableFields {
            if let value = endpoint[field], !value.isNull { body[field] = value }
        }
        body["worker_config"] = workerConfig
        if let scaler = wanted.scaler { body["policy"] = scaler.policy }
        _ = try await transport.send(ProviderRequest(.put, "/gpus/v2/endpoints/\(id)", body: .object(body)))
    }

    /// Documented ranges: replicas 0-1000, idle_timeout 1-1000, policy value a whole 1-1000.
    public func normalized(_ wanted: ManagedSettings) -> ManagedSettings {
        var settings = wanted
        settings.minReplicas = min(max(wanted.minReplicas, 0), 1000)
        settings.maxReplicas = wanted.maxReplicas.map { min(max($0, 0), 1000) }
        settings.idleTimeout = wanted.idleTimeout.map { min(max($0, 1), 1000) }
        switch wanted.scaler {
        case .queueDelay(let seconds)?: settings.scaler = .queueDelay(Double(min(max(Int(seconds.rounded(.up)), 1), 1000)))
        case .requestCount(let count)?: settings.scaler = .requestCount(min(max(count, 1), 1000))
        case nil: break
        }
        return settings
    }

    static func status(from endpoint: JSON) throws(ProviderError) -> EndpointStatus {
        guard let config = endpoint["worker_config"], let min = config["min_replicas"]?.int, let max = config["max_replicas"]?.int else {
            throw ProviderError(.malformed, "endpoint: worker_config.min_replicas and max_replicas must be numbers")
        }
        let scaler = ProviderScaler(policy: endpoint["policy"])
        let ready = endpoint["workers"]?.array.map { workers in
            workers.filter { $0["status"]?["status"]?.string == "ready" && $0["health"]?.bool != false && $0["drain"]?.bool != true }.count
        }
        return EndpointStatus(
            settings: ManagedSettings(minReplicas: min, maxReplicas: max, idleTimeout: config["idle_timeout"]?.int, scaler: scaler),
            readyWorkers: ready
        )
    }

    /// The endpoint by id, or by name through the paginated list when no id matches.
    private func fetch(_ idOrName: String) async throws(ProviderError) -> (id: String, endpoint: JSON) {
        let known = resolved.withLock { $0[idOrName] } ?? idOrName
        do {
            return (known, try await get(known))
        } catch where error.kind == .notFound {
            guard let id = try await findByName(idOrName) else { throw error }
            resolved.withLock { $0[idOrName] = id }
            return (id, try await get(id))
        }
    }

    private func get(_ id: String) async throws(ProviderError) -> JSON {
        let endpoint = try await transport.json(ProviderRequest(.get, "/gpus/v2/endpoints/\(try PathSegment.checked(id))"))
        guard endpoint.object != nil else { throw ProviderError(.malformed, "GET /gpus/v2/endpoints/\(id): not an object") }
        return endpoint
    }

    /// Walks `next_cursor` until `has_more` is false; bounded so that a looping cursor cannot hang a tick.
    private func findByName(_ name: String) async throws(ProviderError) -> String? {
        var cursor: String?
        for _ in 0..<100 {
            var query = [URLQueryItem(name: "limit", value: "100"), URLQueryItem(name: "keyword", value: name)]
            if let cursor { query.append(URLQueryItem(name: "cursor", value: cursor)) }
            let page = try await transport.json(ProviderRequest(.get, "/gpus/v2/endpoints", query: query))
            guard let items = page["data"]?.array else { throw ProviderError(.malformed, "GET /gpus/v2/endpoints: data must be a list") }
            if let match = items.first(where: { $0["name"]?.string == name }), let id = match["id"]?.string { return id }
            guard page["has_more"]?.bool == true, let next = page["next_cursor"]?.string, !next.isEmpty, next != cursor else { return nil }
            cursor = next
        }
        return nil
    }
}
