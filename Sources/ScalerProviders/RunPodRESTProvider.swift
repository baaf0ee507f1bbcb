import Foundation
import ScalerHTTP

/// RunPod serverless through REST v2: `GET /v2/serverless/{id}` (+ `/workers`) and a partial
/// `PATCH /v2/serverless/{id}`. Errors are RFC 9457 problem documents.
public struct RunPodRESTProvider: Provider {
    public static let defaultBaseURL = "https://api.runpod.io"
    let transport: ProviderTransport

    public init(transport: ProviderTransport) {
        self.transport = transport
    }

    public func read(endpointID: String) async throws(ProviderError) -> EndpointStatus {
        let path = "/v2/serverless/\(try PathSegment.checked(endpointID))"
        let endpoint = try await transport.json(ProviderRequest(.get, path))
        let settings = try Self.settings(from: endpoint, context: "GET \(path)")
        // The worker summary only adds detail: without it the settings are still known.
        let workers = try? await transport.json(ProviderRequest(.get, "\(path)/workers"))
        let summary = workers?["summary"]
        let ready: Int?
        if let running = summary?["running"]?.int, let idle = summary?["idle"]?.int {
            ready = running + idle
        } else {
            ready = nil
        }
        return EndpointStatus(settings: settings, readyWorkers: ready)
    }

    public func apply(_ wanted: ManagedSettings, endpointID: String) async throws(ProviderError) {
        let path = "/v2/serverless/\(try PathSegment.checked(endpointID))"
        var workers: [String: JSON] = ["min": JSON(wanted.minReplicas)]
        if let max = wanted.maxReplicas { workers["max"] = JSON(max) }
        if let idle = wanted.idleTimeout { workers["idleTimeout"] = JSON(idle) }
        var body: [String: JSON] = ["workers": .object(workers)]
        switch wanted.scaler {
        case .queueDelay(let seconds)?: body["scaling"] = ["type": "QUEUE_DELAY", "queueDelay": JSON(seconds)]
        case .requestCount(let count)?: body["scaling"] = ["type": "REQUEST_COUNT", "requestCount": JSON(count)]
        case nil: break
        }
        _ = try await transport.send(ProviderRequest(.patch, path, body: .object(body)))
    }

    /// Within the documented ranges: idleTimeout 1-3600 (and none for REQUEST_COUNT),
    /// queueDelay >= 0.5, requestCount >= 1.
    public func normalized(_ wanted: ManagedSettings) -> ManagedSettings {
        var settings = wanted
        switch wanted.scaler {
        case .queueDelay(let seconds)?:
            settings.scaler = .queueDelay(max(0.5, seconds))
            settings.idleTimeout = wanted.idleTimeout.map { min(max($0, 1), 3600) }
        case .requestCount(let count)?:
            settings.scaler = .requestCount(max(1, count))
            settings.idleTimeout = nil
        case nil:
            settings.idleTimeout = wanted.idleTimeout.map { min(max($0, 1), 3600) }
        }
        return settings
    }

    static func settings(from endpoint: JSON, context: String) throws(ProviderError) -> ManagedSettings {
        guard let workers = endpoint["workers"], let min = workers["min"]?.int, let max = workers["max"]?.int else {
            throw ProviderError(.malformed, "\(context): workers.min and workers.max must be numbers")
        }
        var scaler: ProviderScaler?
        if let scaling = endpoint["scaling"] {
            switch scaling["type"]?.string {
            case "QUEUE_DELAY": scaler = scaling["queueDelay"]?.double.map(ProviderScaler.queueDelay)
            case "REQUEST_COUNT": scaler = scaling["requestCount"]?.int.map(ProviderScaler.requestCount)
            default: scaler = nil
            }
        }
        return ManagedSettings(minReplicas: min, maxReplicas: max, idleTimeout: workers["idleTimeout"]?.int, scaler: scaler)
    }
}
