import Foundation
import HTTPTypes
import Hummingbird
import ScalerHTTP

/// Novita's v1 endpoint API as documented: reads wrapped in `endpoint` with numbers as strings;
/// an update must carry every parameter in full, and is refused otherwise.
public enum FakeNovitaV1 {
    public static let apiKey = "sk_novita_v1_test_key"

    public static func endpoint(id: String, min: Int = 0, max: Int = 3) -> JSON {
        [
            "id": .string(id), "name": "chat", "appName": "chat-app", "url": "https://x.example/chat", "clusterID": "cluster-1",
            "rootfsSize": 100, "state": ["state": "serving", "error": "", "message": ""],
            "workerConfig": [
                "minNum": JSON(min), "maxNum": JSON(max), "freeTimeout": "300", "maxConcurrent": "10", "gpuNum": 1,
                "requestTimeout": 3600, "cudaVersion": "12.4",
            ],
            "policy": ["type": "queue", "value": "60"],
            "image": ["image": "registry.example/chat:1", "authId": "", "command": "python serve.py"],
            "volumeMounts": [["type": "local", "id": "", "size": 50, "mountPath": "/data"]],
            "envs": [["key": "MODEL", "value": "llama"]],
            "ports": [["port": 8000]],
            "workers": [["id": "w1", "state": ["state": "running", "error": "", "message": ""], "healthy": true]],
            "products": [["id": "1"]],
            "healthy": ["path": "/health", "initialDelay": 10, "period": 10, "timeout": 10, "successThreshold": 1, "failureThreshold": 3],
        ]
    }

    static func error(_ status: Int, _ message: String) -> Response {
        FakeResponse.json(["code": JSON(status), "message": .string(message)], status: HTTPResponse.Status(code: status))
    }

    static func validate(_ body: [String: JSON], against stored: JSON) -> [String] {
        var errors: [String] = []
        for field in ["id", "workerConfig", "ports", "policy", "image"] where body[field] == nil { errors.append("\(field) is required") }
        // "All parameters must be provided in full": anything the endpoint has must be sent again.
        let runtime: Set<String> = ["state", "workers", "url", "log", "createdAt", "updatedAt"]
        for field in (stored.object ?? [:]).keys.sorted() where !runtime.contains(field) && body[field] == nil {
            errors.append("\(field) must be provided in full")
        }
        if let config = body["workerConfig"] {
            for field in ["minNum", "maxNum", "freeTimeout", "maxConcurrent", "gpuNum", "requestTimeout"] {
                guard case .integer? = config[field] else { errors.append("workerConfig.\(field) must be an integer"); continue }
            }
        }
        if let ports = body["ports"]?.array {
            let port = ports.first?["port"]?.int ?? 0
            if ports.count != 1 || !(1...65535).contains(port) || (2222...2224).contains(port) { errors.append("exactly one port in 1-65535, not 2222-2224") }
        }
        if let policy = body["policy"] {
            if !["queue", "concurrency"].contains(policy["type"]?.string ?? "") { errors.append("policy.type must be queue or concurrency") }
            guard case .integer? = policy["value"] else { errors.append("policy.value must be an integer"); return errors }
        }
        if body["image"]?["image"]?.string == nil { errors.append("image.image is required") }
        return errors
    }

    public static func router(_ state: FakeProviderState) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/gpu-instance/openapi/v1/endpoint") { request, _ in
            let seen = try await request.recorded(in: state)
            if let fault = try await FakeResponse.fault(await state.nextFault()) { return fault }
            guard seen.headers["authorization"] == "Bearer \(apiKey)" else { return error(401, "invalid api key") }
            let id = URLComponents(string: "http://x/?\(seen.query ?? "")")?.queryItems?.first { $0.name == "id" }?.value ?? ""
            guard let endpoint = await state.endpoint(id) else { return error(404, "endpoint not found") }
            return FakeResponse.json(["endpoint": endpoint])
        }
        router.post("/gpu-instance/openapi/v1/endpoint/update") { request, _ in
            let seen = try await request.recorded(in: state)
            if let fault = try await FakeResponse.fault(await state.nextFault()) { return fault }
            guard seen.headers["authorization"] == "Bearer \(apiKey)" else { return error(401, "invalid api key") }
            guard seen.headers["content-type"]?.hasPrefix("application/json") == true else { return error(400, "Content-Type must be application/json") }
            guard let body = seen.body?.object, let id = body["id"]?.string, var stored = await state.endpoint(id) else {
                return error(400, "id of an existing endpoint is required")
            }
            let problems = validate(body, against: stored)
            guard problems.isEmpty else { return error(400, problems.joined(separator: "; ")) }
            // Full replacement, answered the way reads answer: numbers as strings.
            for (key, value) in body where key != "id" { stored[key] = value }
            for field in ["freeTimeout", "maxConcurrent"] {
                stored["workerConfig"]?[field] = .string(String(body["workerConfig"]?[field]?.int ?? 0))
            }
            stored["policy"]?["value"] = .string(String(body["policy"]?["value"]?.int ?? 0))
            await state.setEndpoint(id, stored)
            return FakeResponse.json([:])
        }
        return router
    }
}
