import Foundation
import HTTPTypes
import Hummingbird
import ScalerHTTP

/// RunPod's REST v2 serverless API as documented: strict about paths, the bearer key, the PATCH
/// body (`unevaluatedProperties: false`) and its ranges; RFC 9457 problem documents on error.
public enum FakeRunPodREST {
    public static let apiKey = "rp_test_key_0123456789"

    /// Every field the v2 Endpoint schema lists (§3.2) off its default, so that a PATCH that
    /// touches one it should not is seen.
    public static func endpoint(id: String, min: Int = 1, max: Int = 10, idle: Int = 5) -> JSON {
        [
            "id": .string(id), "name": "sdxl-prod", "type": "QUEUE", "createdAt": "2026-06-01T12:00:00Z",
            "workers": ["min": JSON(min), "max": JSON(max), "idleTimeout": JSON(idle)],
            "scaling": ["type": "QUEUE_DELAY", "queueDelay": 4],
            "dataCenterIds": ["US-KS-2", "EU-RO-1"], "networkVolumes": ["vol-eu"], "timeout": 300_000, "flashboot": "FLASHBOOT",
            "gpu": ["pools": ["ADA_24", "AMPERE_48"], "count": 2, "allowedCudaVersions": ["12.4", "12.6"], "minCudaVersion": "12.4"],
            "requestUrls": ["base": .string("https://api.runpod.ai/v2/" + id), "health": .string("https://api.runpod.ai/v2/" + id + "/health")],
            "image": "registry.example/sdxl:3", "args": "--fast", "disk": 40, "ports": ["8000/http"],
            "env": ["MODEL": "sdxl"], "registry": "reg-1", "templateId": "tmpl-9",
        ]
    }

    public static func problem(_ status: Int, _ title: String, _ detail: String, errors: [String] = []) -> Response {
        var body: JSON = ["title": .string(title), "status": JSON(status), "detail": .string(detail)]
        if !errors.isEmpty { body["errors"] = .array(errors.map(JSON.string)) }
        return FakeResponse.json(body, status: HTTPResponse.Status(code: status), contentType: "application/problem+json")
    }

    /// `healthKey` is the key the data plane accepts, when it differs from the control plane's.
    public static func router(_ state: FakeProviderState, healthKey: String = apiKey) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/v2/serverless/:id") { request, context in
            let seen = try await request.recorded(in: state)
            if let fault = try await FakeResponse.fault(await state.nextFault()) { return fault }
            guard seen.headers["authorization"] == "Bearer \(apiKey)" else { return problem(401, "Unauthorized", "invalid API key") }
            guard let endpoint = await state.endpoint(context.parameters.get("id") ?? "") else { return problem(404, "Not Found", "endpoint not found") }
            return FakeResponse.json(endpoint)
        }
        router.get("/v2/serverless/:id/workers") { request, context in
            let seen = try await request.recorded(in: state)
            guard seen.headers["authorization"] == "Bearer \(apiKey)" else { return problem(401, "Unauthorized", "invalid API key") }
            guard await state.endpoint(context.parameters.get("id") ?? "") != nil else { return problem(404, "Not Found", "endpoint not found") }
            return FakeResponse.json([
                "endpointVersion": 4,
                "summary": ["running": 1, "idle": 1, "initializing": 1, "throttled": 0, "unhealthy": 0, "total": 3],
                "workers": [],
            ])
        }
        // The data plane (api.runpod.ai) shares the fake's host in tests; PPIO's and Novita's async
        // gateways answer the same shape at /v1/<id>-<app>/health.
        for (path, parameter) in [("/v2/:id/health", "id"), ("/v1/:name/health", "name")] {
            router.get(RouterPath(path)) { request, context in
                let seen = try await request.recorded(in: state)
                if let fault = try await FakeResponse.fault(await state.nextFault()) { return fault }
                guard seen.headers["authorization"] == "Bearer \(healthKey)" else { return problem(401, "Unauthorized", "invalid API key") }
                guard let health = await state.nextHealth(context.parameters.get(parameter) ?? "", perCall: 4) else {
                    return problem(404, "Not Found", "endpoint not found")
                }
                return FakeResponse.json(health)
            }
        }
        router.patch("/v2/serverless/:id") { request, context in
            let seen = try await request.recorded(in: state)
            if let fault = try await FakeResponse.fault(await state.nextFault()) { return fault }
            guard seen.headers["authorization"] == "Bearer \(apiKey)" else { return problem(401, "Unauthorized", "invalid API key") }
            guard seen.headers["content-type"]?.hasPrefix("application/json") == true else { return problem(415, "Unsupported Media Type", "JSON only") }
            let id = context.parameters.get("id") ?? ""
            guard var endpoint = await state.endpoint(id) else { return problem(404, "Not Found", "endpoint not found") }
            guard let body = seen.body?.object else { return problem(400, "Bad Request", "body must be a JSON object") }
            let errors = validate(body)
            guard errors.isEmpty else { return problem(422, "Unprocessable Entity", "Request validation failed.", errors: errors) }
            if let workers = body["workers"]?.object {
                for (key, value) in workers { endpoint["workers"]?[key] = value }
            }
            if let scaling = body["scaling"] {
                endpoint["scaling"] = scaling
                if scaling["type"]?.string == "REQUEST_COUNT" { endpoint["workers"]?["idleTimeout"] = nil }
            }
            await state.setEndpoint(id, endpoint)
            return FakeResponse.json(endpoint)
        }
        return router
    }

    public static let mutableFields: Set<String> = [
        "name", "gpu", "cpu", "workers", "scaling", "dataCenterIds", "networkVolumes", "timeout", "flashboot",
        "image", "args", "disk", "ports", "env", "registry", "templateId",
    ]

    public static func validate(_ body: [String: JSON]) -> [String] {
        var errors = body.keys.filter { !mutableFields.contains($0) }.map { "$: additional properties '\($0)' not allowed" }
        if let workers = body["workers"] {
            guard let fields = workers.object else { return errors + ["$.workers: must be an object"] }
            errors += fields.keys.filter { !["min", "max", "idleTimeout"].contains($0) }.map { "$.workers: additional properties '\($0)' not allowed" }
            for key in ["min", "max"] where fields[key] != nil {
                if (fields[key]?.int ?? -1) < 0 { errors.append("$.workers.\(key): must be an integer >= 0") }
            }
            if let idle = fields["idleTimeout"], !(1...3600).contains(idle.int ?? 0) { errors.append("$.workers.idleTimeout: must be 1-3600") }
            if let min = fields["min"]?.int, let max = fields["max"]?.int, min > max { errors.append("$.workers: min must not exceed max") }
        }
        if let scaling = body["scaling"] {
            switch scaling["type"]?.string {
            case "QUEUE_DELAY":
                if Set(scaling.object?.keys ?? [:].keys) != ["type", "queueDelay"] { errors.append("$.scaling: QUEUE_DELAY takes type and queueDelay only") }
                if (scaling["queueDelay"]?.double ?? 0) < 0.5 { errors.append("$.scaling.queueDelay: must be >= 0.5") }
            case "REQUEST_COUNT":
                if Set(scaling.object?.keys ?? [:].keys) != ["type", "requestCount"] { errors.append("$.scaling: REQUEST_COUNT takes type and requestCount only") }
                if (scaling["requestCount"]?.int ?? 0) < 1 { errors.append("$.scaling.requestCount: must be an integer >= 1") }
                if body["workers"]?["idleTimeout"] != nil { errors.append("$.workers.idleTimeout: not applicable with REQUEST_COUNT") }
            default:
                errors.append("$.scaling.type: must be QUEUE_DELAY or REQUEST_COUNT")
            }
        }
        return errors
    }
}
