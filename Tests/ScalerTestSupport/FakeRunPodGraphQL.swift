import Foundation
import Hummingbird
import ScalerHTTP

/// RunPod's GraphQL API as `runpod-graphql-endpoints.txt` and `provider-notes.md` §3.4 describe
/// it: the key in `api_key` (or a bearer header, as the official clients send it), every answer
/// 200 with failures in `errors`, only the fields a query selects in its answer, and
/// `saveEndpoint` a full replace that gives every input field it is not sent its default.
public enum FakeRunPodGraphQL {
    public static let apiKey = "rpa_graphql_test_key_42"

    /// `EndpointInput`, the whole field set the official clients send (§3.4), with the type each takes.
    enum InputType { case string, int, strings, volumes, flashBoot, scalerType, endpointType, template }
    static let input: [String: InputType] = [
        "id": .string, "name": .string, "templateId": .string, "template": .template, "hubReleaseId": .string,
        "gpuIds": .string, "gpuCount": .int, "instanceIds": .strings, "workersMin": .int, "workersMax": .int,
        "workersStandby": .int, "locations": .string, "networkVolumeId": .string, "networkVolumeIds": .volumes,
        "idleTimeout": .int, "scalerType": .scalerType, "scalerValue": .int, "executionTimeoutMs": .int,
        "minCudaVersion": .string, "allowedCudaVersions": .string, "flashBootType": .flashBoot,
        "modelReferences": .strings, "type": .endpointType,
    ]

    /// What `saveEndpoint` gives an input field it is not sent (omitting `workersStandby` was
    /// seen to leave one worker warm forever, §3.4).
    public static let defaults: [String: JSON] = [
        "gpuCount": 1, "instanceIds": [], "workersMin": 0, "workersMax": 3, "workersStandby": 1, "locations": "",
        "networkVolumeId": .null, "networkVolumeIds": [], "idleTimeout": 5, "scalerType": "QUEUE_DELAY", "scalerValue": 4,
        "executionTimeoutMs": 600_000, "minCudaVersion": .null, "allowedCudaVersions": "", "flashBootType": "OFF",
        "modelReferences": [], "type": "QB", "hubReleaseId": .null,
    ]

    /// Fields of the `Endpoint` type a query may select, and the fields of its object fields.
    static func known(_ path: [String]) -> Set<String> {
        switch path.last {
        case nil:
            return [
                "aiKey", "gpuIds", "id", "idleTimeout", "name", "networkVolumeId", "locations", "scalerType", "scalerValue",
                "templateId", "type", "userId", "version", "workersMax", "workersMin", "workersStandby", "gpuCount", "env",
                "createdAt", "networkVolume", "pods", "instanceIds", "networkVolumeIds", "executionTimeoutMs",
                "minCudaVersion", "allowedCudaVersions", "flashBootType", "modelReferences", "computeType",
            ]
        case "env": return ["key", "value"]
        case "networkVolume": return ["id", "dataCenterId"]
        case "networkVolumeIds": return ["networkVolumeId", "dataCenterId"]
        case "pods": return ["desiredStatus"]
        default: return []
        }
    }

    static let objectFields: Set<String> = ["env", "networkVolume", "networkVolumeIds", "pods"]

    /// An endpoint whose every field holds something other than its default, so that a save
    /// that forgets one is seen.
    public static func endpoint(id: String) -> JSON {
        [
            "id": .string(id), "name": "sdxl -fb", "templateId": "xkhgg72fuo", "gpuIds": "AMPERE_16,ADA_24", "gpuCount": 2,
            "instanceIds": ["cpu3c-2-4"], "workersMin": 1, "workersMax": 7, "workersStandby": 2, "idleTimeout": 42,
            "scalerType": "QUEUE_DELAY", "scalerValue": 9, "locations": "US", "networkVolumeId": "vol-1",
            "networkVolumeIds": [["networkVolumeId": "vol-eu", "dataCenterId": "EU-RO-1"]], "executionTimeoutMs": 300_000,
            "minCudaVersion": "12.4", "allowedCudaVersions": "12.4,12.6", "flashBootType": "FLASHBOOT",
            "modelReferences": ["hf:meta-llama/Llama-3.1-8B"], "type": "LB", "hubReleaseId": .null,
            // Read-only: never in EndpointInput.
            "aiKey": "ai-key-1", "userId": "user-1", "version": 3, "createdAt": "2026-06-01T12:00:00Z", "computeType": "GPU",
            "env": [["key": "MODEL", "value": "sdxl"]], "networkVolume": ["id": "vol-1", "dataCenterId": "US-KS-2"],
            "pods": [["desiredStatus": "RUNNING"]],
        ]
    }

    /// The fields a `saveEndpoint` can change: what the contract tests compare after a save.
    public static let inputFields: Set<String> = Set(input.keys)

    static func errors(_ message: String) -> Response {
        FakeResponse.json(["errors": [["message": .string(message), "extensions": ["code": "GRAPHQL_VALIDATION_FAILED"]]], "data": .null])
    }

    static func typeError(_ field: String, _ value: JSON, _ type: InputType) -> String? {
        switch (type, value) {
        case (_, .null): return nil
        case (.string, .string), (.int, .integer), (.template, .object): return nil
        case (.strings, .array(let items)) where items.allSatisfy({ if case .string = $0 { true } else { false } }): return nil
        case (.volumes, .array(let items)):
            for item in items {
                guard let object = item.object, case .string? = object["networkVolumeId"] else { return "networkVolumeIds takes [{networkVolumeId: String}]" }
                if let extra = object.keys.first(where: { $0 != "networkVolumeId" }) {
                    return "Field \"\(extra)\" is not defined by type \"NetworkVolumeIdInput\"."
                }
            }
            return nil
        case (.flashBoot, .string(let text)) where ["OFF", "FLASHBOOT", "PRIORITY_FLASHBOOT"].contains(text): return nil
        case (.scalerType, .string(let text)) where ["QUEUE_DELAY", "REQUEST_COUNT"].contains(text): return nil
        case (.endpointType, .string(let text)) where ["QB", "LB"].contains(text): return nil
        default: return "Variable \"$input\" got invalid value at \"input.\(field)\"."
        }
    }

    static func unauthorized(_ seen: RecordedRequest) -> Bool {
        let query = URLComponents(string: "http://x/?\(seen.query ?? "")")?.queryItems?.first { $0.name == "api_key" }?.value
        return query != apiKey && seen.headers["authorization"] != "Bearer \(apiKey)"
    }

    public static func router(_ state: FakeProviderState) -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/graphql") { request, _ in
            let seen = try await request.recorded(in: state)
            if let fault = try await FakeResponse.fault(await state.nextFault()) { return fault }
            guard !unauthorized(seen) else { return FakeResponse.json(["errors": [["message": "Unauthorized"]]], status: .unauthorized) }
            guard seen.headers["content-type"]?.hasPrefix("application/json") == true, let query = seen.body?["query"]?.string else {
                return errors("Must provide query string.")
            }
            if query.contains("saveEndpoint") { return await save(query, variables: seen.body?["variables"], state: state) }
            if query.contains("myself") {
                guard let selection = GraphQLSelection.after("endpoints", in: query) else { return errors("Syntax Error: expected a selection set on endpoints") }
                let endpoints = await state.endpoints.values.sorted { ($0["id"]?.string ?? "") < ($1["id"]?.string ?? "") }
                return answer(selection, value: .array(endpoints)) { ["myself": ["endpoints": $0]] }
            }
            return errors("Cannot query this operation")
        }
        return router
    }

    static func save(_ query: String, variables: JSON?, state: FakeProviderState) async -> Response {
        guard let input = variables?["input"]?.object else { return errors("Variable \"$input\" of required type \"EndpointInput!\" was not provided.") }
        for (field, value) in input.sorted(by: { $0.key < $1.key }) {
            guard let type = Self.input[field] else { return errors("Field \"\(field)\" is not defined by type \"EndpointInput\".") }
            if let problem = typeError(field, value, type) { return errors(problem) }
        }
        for required in ["gpuIds", "name", "templateId"] where (input[required] ?? .null).isNull {
            return errors("\(required) is required")
        }
        guard let id = input["id"]?.string, let stored = await state.endpoint(id) else { return errors("Endpoint not found") }
        // Full replace: every input field not sent falls back to its default; read-only fields stay.
        var saved = stored
        for field in Self.input.keys where field != "id" && field != "template" {
            saved[field] = (input[field] ?? .null).isNull ? (defaults[field] ?? .null) : input[field]
        }
        if let volumes = input["networkVolumeIds"]?.array {
            let previous = stored["networkVolumeIds"]?.array ?? []
            saved["networkVolumeIds"] = .array(volumes.map { volume in
                var read = volume
                read["dataCenterId"] = previous.first { $0["networkVolumeId"] == volume["networkVolumeId"] }?["dataCenterId"] ?? .null
                return read
            })
        }
        await state.setEndpoint(id, saved)
        let selection = GraphQLSelection.after("saveEndpoint", in: query) ?? GraphQLSelection(fields: [("id", nil)])
        return answer(selection, value: saved) { ["saveEndpoint": $0] }
    }

    static func answer(_ selection: GraphQLSelection, value: JSON, wrap: (JSON) -> JSON) -> Response {
        for (name, nested) in selection.fields where objectFields.contains(name) != (nested != nil) {
            return errors(nested == nil ? "Field \"\(name)\" of type \"[Object]\" must have a selection of subfields." : "Field \"\(name)\" must not have a selection since it has no subfields.")
        }
        switch selection.project(value, known: known) {
        case .success(let projected): return FakeResponse.json(["data": wrap(projected)])
        case .failure(let error): return errors("Cannot query field \"\(error.field)\" on type \"\(error.path.last.map { "Endpoint.\($0)" } ?? "Endpoint")\".")
        }
    }
}
