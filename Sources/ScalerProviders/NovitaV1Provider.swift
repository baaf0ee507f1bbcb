import Foundation
import ScalerHTTP
import ScalerPorts

/// Novita's v1 endpoint API: read `GET /gpu-instance/openapi/v1/endpoint?id=` (wrapped in
/// `endpoint`), update `POST .../endpoint/update`, which replaces the endpoint whole ("all
/// parameters must be provided in full"). Every documented parameter goes back as read, numbers
/// that reads answer as strings (`"300"`) as numbers; only the managed ones change.
public struct NovitaV1Provider: Provider {
    static let prefix = "/gpu-instance/openapi/v1"

    let transport: ProviderTransport

    public init(transport: ProviderTransport) {
        self.transport = transport
    }

    public func read(_ endpoint: EndpointTarget) async throws(ProviderError) -> EndpointStatus {
        try Self.status(of: try await fetch(endpoint.id))
    }

    static func status(of found: JSON) throws(ProviderError) -> EndpointStatus {
        let context = "GET \(prefix)/endpoint"
        let config = found["workerConfig"]
        let min = try Count.read(config?["minNum"], "workerConfig.minNum", context: context)
        let max = try Count.read(config?["maxNum"], "workerConfig.maxNum", context: context)
        let ready = found["workers"]?.array.map { workers in
            workers.filter { $0["state"]?["state"]?.string == "running" && $0["healthy"]?.bool != false }.count
        }
        return EndpointStatus(
            settings: ManagedSettings(minReplicas: min, maxReplicas: max, idleTimeout: config?["freeTimeout"]?.int, scaler: ProviderScaler(policy: found["policy"])),
            readyWorkers: ready
        )
    }

    public func apply(_ wanted: ManagedSettings, to endpoint: EndpointTarget) async throws(ProviderError) {
        let found = try await fetch(endpoint.id)
        let body = try Self.updateBody(from: found, id: endpoint.id, wanted: wanted)
        let answer = try await transport.send(ProviderRequest(.post, "\(Self.prefix)/endpoint/update", body: body))
        try ErrorBody.check(answer.body, label: "POST \(Self.prefix)/endpoint/update")
    }

    /// The update's documented parameters (`novita-update-endpoint.txt`), each as read.
    static let updateParameters = ["name", "clusterID", "workerConfig", "ports", "policy", "image", "volumeMounts", "envs", "healthy"]
    static let workerConfigNumbers = ["minNum", "maxNum", "freeTimeout", "maxConcurrent", "gpuNum", "requestTimeout"]

    static func updateBody(from endpoint: JSON, id: String, wanted: ManagedSettings) throws(ProviderError) -> JSON {
        let context = "GET \(prefix)/endpoint"
        guard var workerConfig = endpoint["workerConfig"]?.object else {
            throw ProviderError(.malformed, "\(context): workerConfig missing; refusing to send an incomplete update")
        }
        for field in workerConfigNumbers {
            workerConfig[field] = JSON(try Count.read(workerConfig[field], "workerConfig.\(field)", context: "\(context) (refusing to send an incomplete update)"))
        }
        workerConfig["minNum"] = JSON(wanted.minReplicas)
        if let max = wanted.maxReplicas { workerConfig["maxNum"] = JSON(max) }
        if let idle = wanted.idleTimeout { workerConfig["freeTimeout"] = JSON(idle) }

        guard let policy = ProviderScaler(policy: endpoint["policy"]) else {
            throw ProviderError(.malformed, "\(context): policy.type and a whole policy.value are required to update")
        }
        guard endpoint["image"]?.object != nil, endpoint["ports"]?.array != nil else {
            throw ProviderError(.malformed, "\(context): image and ports are required to update")
        }
        var body: [String: JSON] = ["id": .string(id)]
        for parameter in updateParameters {
            if let value = endpoint[parameter], !value.isNull { body[parameter] = value }
        }
        body["workerConfig"] = .object(workerConfig)
        body["policy"] = (wanted.scaler ?? policy).policy
        if let mounts = endpoint["volumeMounts"]?.array {
            var sent: [JSON] = []
            for (index, mount) in mounts.enumerated() {
                var copy = mount
                if mount["size"] != nil { copy["size"] = JSON(try Count.read(mount["size"], "volumeMounts[\(index)].size", context: context)) }
                sent.append(copy)
            }
            body["volumeMounts"] = .array(sent)
        }
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
