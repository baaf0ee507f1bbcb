import Foundation
import Hummingbird
import ScalerHTTP

/// RunPod's GraphQL API as documented and as observed: the key in `api_key`, every answer 200,
/// failures in `errors`, and `saveEndpoint` a full replace that resets every omitted field.
public enum FakeRunPodGraphQL {
    public static let apiKey = "rpa_graphql_test_key_42"

    /// What `saveEndpoint` gives a field it is not sent.
    public static let defaults: [String: JSON] = [
        "workersMin": 0, "workersMax": 3, "workersStandby": 1, "idleTimeout": 5, "scalerType": "QUEUE_DELAY",
        "scalerValue": 4, "locations": "", "networkVolumeId": "", "gpuCount": 1,
    ]

    static let inputFields: Set<String> = [
        "id", "name", "templateId", "gpuIds", "gpuCount", "workersMin", "workersMax", "workersStandby", "idleTimeout",
        "scalerType", "scalerValue", "locations", "networkVolumeId", "executionTimeoutMs", "flashBootType", "type",
    ]

    public static func endpoint(id: String) -> JSON {
        [
            "id": .string(id), "name": "sdxl -fb", "templateId": "xkhgg72fuo", "gpuIds": "AMPERE_16", "gpuCount": 2,
            "workersMin": 1, "workersMax": 7, "workersStandby": 1, "idleTimeout": 42, "scalerType": "QUEUE_DELAY",
            "scalerValue": 9, "locations": "US", "networkVolumeId": "vol-1",
        ]
    }

    static func errors(_ message: String) -> Response {
        FakeResponse.json(["errors": [["message": .string(message), "extensions": ["code": "RUNPOD"]]], "data": .null])
    }

    public static func router(_ state: FakeProviderState) -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/graphql") { request, _ in
            let seen = try await request.recorded(in: state)
            if let fault = try await FakeResponse.fault(await state.nextFault()) { return fault }
            let key = URLComponents(string: "http://x/?\(seen.query ?? "")")?.queryItems?.first { $0.name == "api_key" }?.value
            guard key == apiKey else { return FakeResponse.json(["errors": [["message": "Unauthorized"]]], status: .unauthorized) }
            guard seen.headers["content-type"]?.hasPrefix("application/json") == true, let query = seen.body?["query"]?.string else {
                return errors("Must provide query string.")
            }
            if query.contains("saveEndpoint") {
                guard let input = seen.body?["variables"]?["input"]?.object else { return errors("Variable \"$input\" of required type \"EndpointInput!\" was not provided.") }
                if let unknown = input.keys.first(where: { !inputFields.contains($0) }) {
                    return errors("Field \"\(unknown)\" is not defined by type \"EndpointInput\".")
                }
                for required in ["gpuIds", "name", "templateId"] where input[required] == nil {
                    return errors("\(required) is required")
                }
                guard let id = input["id"]?.string, await state.endpoint(id) != nil else { return errors("Endpoint not found") }
                // Full replace: whatever was not sent falls back to its default.
                var saved = JSON.object(defaults)
                for (field, value) in input { saved[field] = value }
                await state.setEndpoint(id, saved)
                return FakeResponse.json(["data": ["saveEndpoint": saved]])
            }
            if query.contains("myself") {
                let endpoints = await state.endpoints.values.sorted { ($0["id"]?.string ?? "") < ($1["id"]?.string ?? "") }
                return FakeResponse.json(["data": ["myself": ["endpoints": .array(endpoints)]]])
            }
            return errors("Cannot query this operation")
        }
        return router
    }
}
