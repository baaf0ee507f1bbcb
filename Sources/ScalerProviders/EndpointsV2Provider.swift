import Foundation
import ScalerHTTP
import ScalerPorts
import Synchronization

/// The PPIO/Novita v2 endpoint API (`/gpus/v2/endpoints`), one client for both hosts. Whether
/// `PUT` replaces or merges is undocumented and `worker_config` requires `max_replicas`, so an
/// update sends every updatable field and the complete `worker_config` from a fresh read, with
/// only the managed fields changed: safe under either reading.
public final class EndpointsV2Provider: Provider {
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

    public func read(_ endpoint: EndpointTarget) async throws(ProviderError) -> EndpointStatus {
        let (id, found) = try await fetch(endpoint.id)
        return try Self.status(from: found, context: "GET /gpus/v2/endpoints/\(id)")
    }

    public func apply(_ wanted: ManagedSettings, to endpoint: EndpointTarget) async throws(ProviderError) {
        let (id, found) = try await fetch(endpoint.id)
        let context = "GET /gpus/v2/endpoints/\(id)"
        guard var workerConfig = found["worker_config"], workerConfig.object != nil else {
            throw ProviderError(.malformed, "\(context): worker_config missing; refusing to send an incomplete update")
        }
        let liveMax = try Count.read(workerConfig["max_replicas"], "worker_config.max_replicas", context: context)
        workerConfig["min_replicas"] = JSON(wanted.minReplicas)
        workerConfig["max_replicas"] = JSON(wanted.maxReplicas ?? max(wanted.minReplicas, liveMax))
        if let idle = wanted.idleTimeout { workerConfig["idle_timeout"] = JSON(idle) }
        var body: [String: JSON] = [:]
        for field in Self.updatableFields {
            if let value = found[field], !value.isNull { body[field] = value }
        }
        body["worker_config"] = workerConfig
        if let scaler = wanted.scaler { body["policy"] = scaler.policy }
        let answer = try await transport.send(ProviderRequest(.put, "/gpus/v2/endpoints/\(id)", body: .object(body)))
        try ErrorBody.check(answer.body, label: "PUT /gpus/v2/endpoints/\(id)")
    }

    static func status(from endpoint: JSON, context: String) throws(ProviderError) -> EndpointStatus {
        let config = endpoint["worker_config"]
        let min = try Count.read(config?["min_replicas"], "worker_config.min_replicas", context: context)
        let max = try Count.read(config?["max_replicas"], "worker_config.max_replicas", context: context)
        let ready = endpoint["workers"]?.array.map { workers in
            workers.filter { $0["status"]?["status"]?.string == "ready" && $0["health"]?.bool != false && $0["drain"]?.bool != true }.count
        }
        return EndpointStatus(
            settings: ManagedSettings(minReplicas: min, maxReplicas: max, idleTimeout: config?["idle_timeout"]?.int, scaler: ProviderScaler(policy: endpoint["policy"])),
            readyWorkers: ready
        )
    }

    /// The endpoint by id, or by name through the paginated list when no id matches (or the
    /// config names it with characters an id never has).
    private func fetch(_ idOrName: String) async throws(ProviderError) -> (id: String, endpoint: JSON) {
        let known = resolved.withLock { $0[idOrName] } ?? idOrName
        if let segment = PathSegment.valid(known) {
            do {
                return (known, try await get(segment))
            } catch where error.kind != .notFound {
                throw error
            } catch {}
        }
        guard let id = try await findByName(idOrName) else {
            throw ProviderError(.notFound, "no endpoint with id or name '\(idOrName)'")
        }
        resolved.withLock { $0[idOrName] = id }
        return (id, try await get(try PathSegment.checked(id)))
    }

    private func get(_ id: String) async throws(ProviderError) -> JSON {
        let endpoint = try await transport.json(ProviderRequest(.get, "/gpus/v2/endpoints/\(id)"))
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
