import Foundation
import ScalerHTTP

/// RunPod serverless through the GraphQL API. `saveEndpoint` replaces the whole endpoint and
/// resets whatever it is not sent, so every update is built from a fresh read with every field
/// sent back. The key travels in the `api_key` query parameter, as documented, and is redacted
/// from every message.
public struct RunPodGraphQLProvider: Provider {
    public static let defaultBaseURL = "https://api.runpod.io"

    /// Readable fields that `EndpointInput` also takes: all of them go back on every save.
    static let roundTripFields = [
        "id", "name", "templateId", "gpuIds", "gpuCount", "workersMin", "workersMax", "workersStandby",
        "idleTimeout", "scalerType", "scalerValue", "locations", "networkVolumeId",
    ]

    let transport: ProviderTransport
    let apiKey: String

    public init(transport: ProviderTransport, apiKey: String) {
        self.transport = transport
        self.apiKey = apiKey
    }

    public func read(endpointID: String) async throws(ProviderError) -> EndpointStatus {
        let endpoint = try await fetch(endpointID)
        guard let min = endpoint["workersMin"]?.int, let max = endpoint["workersMax"]?.int else {
            throw ProviderError(.malformed, "myself.endpoints: workersMin and workersMax must be numbers")
        }
        var scaler: ProviderScaler?
        if let value = endpoint["scalerValue"]?.int {
            switch endpoint["scalerType"]?.string {
            case "QUEUE_DELAY": scaler = .queueDelay(Double(value))
            case "REQUEST_COUNT": scaler = .requestCount(value)
            default: scaler = nil
            }
        }
        return EndpointStatus(settings: ManagedSettings(minReplicas: min, maxReplicas: max, idleTimeout: endpoint["idleTimeout"]?.int, scaler: scaler))
    }

    public func apply(_ wanted: ManagedSettings, endpointID: String) async throws(ProviderError) {
        var input = try await fetch(endpointID)
        input["workersMin"] = JSON(wanted.minReplicas)
        // A standby count left above the minimum would keep workers warm that scalerd released.
        if input["workersStandby"] != nil { input["workersStandby"] = JSON(wanted.minReplicas) }
        if let max = wanted.maxReplicas { input["workersMax"] = JSON(max) }
        if let idle = wanted.idleTimeout { input["idleTimeout"] = JSON(idle) }
        switch wanted.scaler {
        case .queueDelay(let seconds)?:
            input["scalerType"] = "QUEUE_DELAY"
            input["scalerValue"] = JSON(Int(seconds.rounded(.up)))
        case .requestCount(let count)?:
            input["scalerType"] = "REQUEST_COUNT"
            input["scalerValue"] = JSON(count)
        case nil: break
        }
        let fields = Self.roundTripFields.joined(separator: " ")
        let mutation = "mutation SaveEndpoint($input: EndpointInput!) { saveEndpoint(input: $input) { \(fields) } }"
        _ = try await execute(mutation, variables: ["input": input], operation: "saveEndpoint")
    }

    /// scalerValue is a whole number >= 1; idleTimeout 1-3600.
    public func normalized(_ wanted: ManagedSettings) -> ManagedSettings {
        var settings = wanted
        settings.idleTimeout = wanted.idleTimeout.map { min(max($0, 1), 3600) }
        switch wanted.scaler {
        case .queueDelay(let seconds)?: settings.scaler = .queueDelay(Double(max(1, Int(seconds.rounded(.up)))))
        case .requestCount(let count)?: settings.scaler = .requestCount(max(1, count))
        case nil: break
        }
        return settings
    }

    private func fetch(_ endpointID: String) async throws(ProviderError) -> JSON {
        let fields = Self.roundTripFields.joined(separator: " ")
        let data = try await execute("query Endpoints { myself { endpoints { \(fields) } } }", variables: [:], operation: "myself")
        guard let endpoints = data["myself"]?["endpoints"]?.array else {
            throw ProviderError(.malformed, "myself.endpoints must be a list")
        }
        guard let found = endpoints.first(where: { $0["id"]?.string == endpointID }), let object = found.object else {
            throw ProviderError(.notFound, "no endpoint \(endpointID) among this key's \(endpoints.count) endpoints")
        }
        // Send back only what the input takes; a null is left out rather than sent as a reset.
        return .object(object.filter { Self.roundTripFields.contains($0.key) && !$0.value.isNull })
    }

    /// Runs one operation; an answer carrying `errors` is a failure even with status 200.
    private func execute(_ query: String, variables: [String: JSON], operation: String) async throws(ProviderError) -> JSON {
        let request = ProviderRequest(.post, "/graphql", body: ["query": .string(query), "variables": .object(variables)])
        let answer = try await transport.json(request, secretQuery: [URLQueryItem(name: "api_key", value: apiKey)])
        if let errors = answer["errors"]?.array, !errors.isEmpty {
            let messages = errors.prefix(3).compactMap { $0["message"]?.string }.joined(separator: "; ")
            throw ProviderError(.rejected, transport.redact("GraphQL \(operation): \(messages.isEmpty ? "errors without a message" : messages)"))
        }
        guard let data = answer["data"], data.object != nil else {
            throw ProviderError(.malformed, "GraphQL \(operation): the answer has neither data nor errors")
        }
        return data
    }
}
