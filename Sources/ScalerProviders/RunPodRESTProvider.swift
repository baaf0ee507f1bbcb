import Foundation
import ScalerHTTP
import ScalerPorts

/// RunPod serverless through REST v2: `GET /v2/serverless/{id}` and a partial
/// `PATCH /v2/serverless/{id}` that sends only the managed fields. Errors are RFC 9457 problem
/// documents. Ready workers come from `/health` (the metric source), so a read is one request.
public struct RunPodRESTProvider: Provider {
    let transport: ProviderTransport

    public init(transport: ProviderTransport) {
        self.transport = transport
    }

    public func read(_ endpoint: EndpointTarget) async throws(ProviderError) -> EndpointStatus {
        let path = "/v2/serverless/\(try PathSegment.checked(endpoint.id))"
        let answer = try await transport.json(ProviderRequest(.get, path))
        return EndpointStatus(settings: try Self.settings(from: answer, context: "GET \(path)"))
    }

    public func apply(_ wanted: ManagedSettings, to endpoint: EndpointTarget) async throws(ProviderError) {
        let path = "/v2/serverless/\(try PathSegment.checked(endpoint.id))"
        var workers: [String: JSON] = ["min": JSON(wanted.minReplicas)]
        if let max = wanted.maxReplicas { workers["max"] = JSON(max) }
        if let idle = wanted.idleTimeout { workers["idleTimeout"] = JSON(idle) }
        var body: [String: JSON] = ["workers": .object(workers)]
        switch wanted.scaler {
        case .queueDelay(let seconds)?: body["scaling"] = ["type": "QUEUE_DELAY", "queueDelay": JSON(seconds)]
        case .requestCount(let count)?: body["scaling"] = ["type": "REQUEST_COUNT", "requestCount": JSON(count)]
        case nil: break
        }
        let answer = try await transport.json(ProviderRequest(.patch, path, body: .object(body)))
        // The PATCH answers the updated endpoint: one that does not say what was asked was not applied.
        let applied = try Self.settings(from: answer, context: "PATCH \(path)")
        guard applied.minReplicas == wanted.minReplicas else {
            throw ProviderError(.rejected, "PATCH \(path) answered workers.min \(applied.minReplicas), not the \(wanted.minReplicas) sent")
        }
    }

    static func settings(from endpoint: JSON, context: String) throws(ProviderError) -> ManagedSettings {
        let workers = endpoint["workers"]
        let min = try Count.read(workers?["min"], "workers.min", context: context)
        let max = try Count.read(workers?["max"], "workers.max", context: context)
        var scaler: ProviderScaler?
        if let scaling = endpoint["scaling"] {
            switch scaling["type"]?.string {
            case "QUEUE_DELAY": scaler = scaling["queueDelay"]?.double.map(ProviderScaler.queueDelay)
            case "REQUEST_COUNT": scaler = scaling["requestCount"]?.int.map(ProviderScaler.requestCount)
            default: scaler = nil
            }
        }
        return ManagedSettings(minReplicas: min, maxReplicas: max, idleTimeout: workers?["idleTimeout"]?.int, scaler: scaler)
    }
}
