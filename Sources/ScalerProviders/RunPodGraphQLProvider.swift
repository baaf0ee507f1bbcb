import Foundation
import ScalerHTTP
import ScalerPorts

/// RunPod serverless through the GraphQL API. `saveEndpoint` replaces the whole endpoint and
/// gives every input field it is not sent its default (FlashBoot off, the execution timeout
/// reset, volumes and model references dropped, one standby worker kept warm), so every save is
/// built from a fresh read of every field `EndpointInput` takes (`provider-notes.md` §3.4), with
/// only the managed ones changed. The key travels in the transport's `api_key` query item.
public struct RunPodGraphQLProvider: Provider {
    /// The `Endpoint` fields that `EndpointInput` also takes, as a selection set. `template` and
    /// `hubReleaseId` are create-only inputs that no read returns; `networkVolumeIds` is read with
    /// only the key its input takes.
    static let selection = """
        id name templateId gpuIds gpuCount instanceIds workersMin workersMax workersStandby locations \
        networkVolumeId networkVolumeIds { networkVolumeId } idleTimeout scalerType scalerValue executionTimeoutMs \
        minCudaVersion allowedCudaVersions flashBootType modelReferences type
        """

    let transport: ProviderTransport

    public init(transport: ProviderTransport) {
        self.transport = transport
    }

    public func read(_ endpoint: EndpointTarget) async throws(ProviderError) -> EndpointStatus {
        try Self.status(of: try await fetch(endpoint.id), context: "myself.endpoints[\(endpoint.id)]")
    }

    static func status(of found: JSON, context: String) throws(ProviderError) -> EndpointStatus {
        let min = try Count.read(found["workersMin"], "workersMin", context: context)
        let max = try Count.read(found["workersMax"], "workersMax", context: context)
        var scaler: ProviderScaler?
        if let value = found["scalerValue"]?.int {
            switch found["scalerType"]?.string {
            case "QUEUE_DELAY": scaler = .queueDelay(Double(value))
            case "REQUEST_COUNT": scaler = .requestCount(value)
            default: scaler = nil
            }
        }
        return EndpointStatus(settings: ManagedSettings(minReplicas: min, maxReplicas: max, idleTimeout: found["idleTimeout"]?.int, scaler: scaler))
    }

    public func apply(_ wanted: ManagedSettings, to endpoint: EndpointTarget) async throws(ProviderError) {
        var input = try await fetch(endpoint.id)
        input["workersMin"] = JSON(wanted.minReplicas)
        // Left out, the server keeps one standby worker; above the minimum, workers scalerd released.
        input["workersStandby"] = JSON(wanted.minReplicas)
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
        let mutation = "mutation SaveEndpoint($input: EndpointInput!) { saveEndpoint(input: $input) { id workersMin } }"
        let saved = try await execute(mutation, variables: ["input": input], operation: "saveEndpoint")
        guard saved["saveEndpoint"]?["workersMin"]?.int == wanted.minReplicas else {
            throw ProviderError(.rejected, "GraphQL saveEndpoint: the answer does not show workersMin \(wanted.minReplicas)")
        }
    }

    /// The endpoint's every input field as the server holds it; a null is left out, which the
    /// server reads as the same unset value.
    private func fetch(_ endpointID: String) async throws(ProviderError) -> JSON {
        let data = try await execute("query Endpoints { myself { endpoints { \(Self.selection) } } }", variables: [:], operation: "myself")
        guard let endpoints = data["myself"]?["endpoints"]?.array else {
            throw ProviderError(.malformed, "GraphQL myself: endpoints must be a list")
        }
        guard let found = endpoints.first(where: { $0["id"]?.string == endpointID }), let object = found.object else {
            throw ProviderError(.notFound, "no endpoint \(endpointID) among this key's \(endpoints.count) endpoints")
        }
        return .object(object.filter { !$0.value.isNull })
    }

    /// Runs one operation; an answer carrying `errors` is a failure even with status 200.
    private func execute(_ query: String, variables: [String: JSON], operation: String) async throws(ProviderError) -> JSON {
        let request = ProviderRequest(.post, "/graphql", body: ["query": .string(query), "variables": .object(variables)])
        let answer = try await transport.json(request)
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
