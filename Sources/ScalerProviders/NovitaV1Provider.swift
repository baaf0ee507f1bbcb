import Foundation
import ScalerHTTP

/// Novita's v1 endpoint API: read `GET /gpu-instance/openapi/v1/endpoint?id=` (wrapped in
/// `endpoint`), update `POST .../endpoint/update`, which replaces the endpoint whole ("all
/// parameters must be provided in full"). Numbers come back as strings (`"300"`) and are sent
/// as numbers.
public struct NovitaV1Provider: Provider {
    public static let defaultBaseURL = "https://api.novita.ai"
    static let prefix = "/gpu-instance/openapi/v1"

    let transport: ProviderTransport

    public init(transport: ProviderTransport) {
        self.transport = transport
    }

    public func read(endpointID: String) async throws(ProviderError) -> EndpointStatus {
        let endpoint = try await fetch(endpointID)
        guard let config = endpoint["workerConfig"], let min = config["minNum"]?.int, let max = config["maxNum"]?.int else {
            throw ProviderError(.malformed, "GET \(Self.prefix)/endpoint: workerConfig.minNum and maxNum must be numbers")
        }
        let scaler = ProviderScaler(policy: endpoint["policy"])
        let ready = endpoint["workers"]?.array.map { workers in
            workers.filter { $0["state"]?["state"]?.string == "running" && $0["healthy"]?.bool != false }.count
        }
        return EndpointStatus(
            settings: ManagedSettings(minReplicas: min, maxReplicas: max, idleTimeout: config["freeTimeout"]?.int, scaler: scaler),
            readyWorkers: ready
        )
    }

    public func apply(_ wanted: ManagedSettings, endpointID: String) async throws(ProviderError) {
        let endpoint = try await fetch(endpointID)
        let body = try Self.updateBody(from: endpoint, id: endpointID, wanted: wanted)
        _ = try await transport.send(ProviderRequest(.post, "\(Self.prefix)/endpoint/update", body: body))
    }

    /// What a read reports about the running endpoint, not how it is configured.
    static let runtimeFields: Set<String> = ["state", "workers", "url", "log", "createdAt", "updatedAt"]

    /// Every parameter the read returned, changed only where scalerd means to: a full-replacement
    /// update must not reset what it was not sent.
    static func updateBody(from endpoint: JSON, id: String, wanted: ManagedSettings) throws(ProviderError) -> JSON {
        let context = "GET \(prefix)/endpoint"
        guard var body = endpoint.object, var workerConfig = endpoint["workerConfig"]?.object else {
            throw ProviderError(.malformed, "\(context): workerConfig missing")
        }
        for field in ["minNum", "maxNum", "freeTimeout", "maxConcurrent", "gpuNum", "requestTimeout"] {
            guard let value = workerConfig[field]?.int else {
                throw ProviderError(.malformed, "\(context): workerConfig.\(field) missing or not a number; refusing to send an incomplete update")
            }
            workerConfig[field] = JSON(value)
        }
        workerConfig["minNum"] = JSON(wanted.minReplicas)
        if let max = wanted.maxReplicas { workerConfig["maxNum"] = JSON(max) }
        if let idle = wanted.idleTimeout { workerConfig["freeTimeout"] = JSON(idle) }

        guard let policyType = endpoint["policy"]?["type"]?.string, let policyValue = endpoint["policy"]?["value"]?.int else {
            throw ProviderError(.malformed, "\(context): policy.type and policy.value missing")
        }
        guard endpoint["image"]?.object != nil, endpoint["ports"]?.array != nil else {
            throw ProviderError(.malformed, "\(context): image and ports are required to update")
        }
        for field in runtimeFields { body[field] = nil }
        body = body.filter { !$0.value.isNull }
        body["id"] = .string(id)
        body["workerConfig"] = .object(workerConfig)
        body["policy"] = wanted.scaler?.policy ?? ["type": .string(policyType), "value": JSON(policyValue)]
        // The update takes the health check's path only; its timing is fixed by the platform.
        if let path = endpoint["healthy"]?["path"] { body["healthy"] = ["path": path] }
        return .object(body)
    }

    private func fetch(_ id: String) async throws(ProviderError) -> JSON {
        let answer = try await transport.json(ProviderRequest(.get, "\(Self.prefix)/endpoint", query: [URLQueryItem(name: "id", value: id)]))
        guard let endpoint = answer["endpoint"], endpoint.object != nil else {
            throw ProviderError(.malformed, "GET \(Self.prefix)/endpoint: the answer has no endpoint object")
        }
        return endpoint
    }
}
