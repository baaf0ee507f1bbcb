import Foundation
import HTTPTypes
import Hummingbird
import ScalerHTTP

/// Novita's v1 endpoint API as `novita-update-endpoint.txt` and `provider-notes.md` §2.2
/// describe it: reads wrapped in `endpoint`, some numbers answered as strings; an update is a full
/// replacement of the documented parameters ("all parameters must be provided in full"), so an
/// optional parameter left out is emptied and a required one left out is refused.
public enum FakeNovitaV1 {
    public static let apiKey = "sk_novita_v1_test_key"

    /// The update's parameters (§2.2); nothing else in a body is stored.
    public static let updateParameters: Set<String> = [
        "id", "name", "clusterID", "workerConfig", "ports", "policy", "image", "volumeMounts", "envs", "healthy",
    ]
    static let workerConfigFields = ["minNum", "maxNum", "freeTimeout", "maxConcurrent", "gpuNum", "requestTimeout"]

    /// Every configurable field off its default, so that an update that drops one is seen.
    public static func endpoint(id: String, min: Int = 1, max: Int = 3) -> JSON {
        [
            "id": .string(id), "name": "chat", "appName": "chat-app", "url": "https://x.example/chat", "log": "https://logs.example/chat",
            "clusterID": "cluster-1", "rootfsSize": 100, "state": ["state": "serving", "error": "", "message": ""],
            "workerConfig": [
                "minNum": JSON(min), "maxNum": JSON(max), "freeTimeout": "45", "maxConcurrent": "4", "gpuNum": 2,
                "requestTimeout": 900, "cudaVersion": "12.4",
            ],
            "policy": ["type": "concurrency", "value": "7"],
            "image": ["image": "registry.example/chat:1", "authId": "auth-1", "command": "python serve.py"],
            "volumeMounts": [["type": "network", "id": "vol-9", "size": 50, "mountPath": "/models"]],
            "envs": [["key": "MODEL", "value": "llama"], ["key": "HF_HOME", "value": "/models"]],
            "ports": [["port": 8000]],
            "workers": [
                ["id": "w1", "state": ["state": "running", "error": "", "message": ""], "log": "", "metrics": "", "healthy": true],
                ["id": "w2", "state": ["state": "running", "error": "", "message": ""], "log": "", "metrics": "", "healthy": false],
            ],
            "products": [["id": "1"]],
            "healthy": ["path": "/ready", "initialDelay": 10, "period": 10, "timeout": 10, "successThreshold": 1, "failureThreshold": 3],
        ]
    }

    /// What an update's optional parameter becomes when it is not sent.
    static let emptied: [String: JSON] = ["name": "", "clusterID": "", "volumeMounts": [], "envs": [], "healthy": ["path": ""]]

    static func error(_ status: Int, _ message: String) -> Response {
        FakeResponse.json(["code": JSON(status), "message": .string(message)], status: HTTPResponse.Status(code: status))
    }

    static func isInteger(_ value: JSON?) -> Bool {
        if case .integer? = value { return true }
        return false
    }

    static func validate(_ body: [String: JSON]) -> [String] {
        var errors: [String] = []
        for field in ["id", "workerConfig", "ports", "policy", "image"] where body[field] == nil { errors.append("\(field) is required") }
        if let config = body["workerConfig"] {
            for field in workerConfigFields where !isInteger(config[field]) { errors.append("workerConfig.\(field) must be an integer") }
        }
        if let ports = body["ports"]?.array {
            let port = ports.first?["port"]?.int ?? 0
            if ports.count != 1 || !(1...65535).contains(port) || (2222...2224).contains(port) { errors.append("exactly one port in 1-65535, not 2222-2224") }
        }
        if let policy = body["policy"] {
            if !["queue", "concurrency"].contains(policy["type"]?.string ?? "") { errors.append("policy.type must be queue or concurrency") }
            if !isInteger(policy["value"]) { errors.append("policy.value must be an integer") }
        }
        if let image = body["image"], image["image"]?.string == nil { errors.append("image.image is required") }
        for mount in body["volumeMounts"]?.array ?? [] where mount["size"] != nil && !isInteger(mount["size"]) {
            errors.append("volumeMounts.size must be an integer")
        }
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
            let problems = validate(body)
            guard problems.isEmpty else { return error(400, problems.joined(separator: "; ")) }
            // Full replacement of the documented parameters, answered the way reads answer.
            for parameter in updateParameters where parameter != "id" {
                stored[parameter] = body[parameter] ?? emptied[parameter] ?? .null
            }
            var workerConfig = body["workerConfig"] ?? [:]
            workerConfig["cudaVersion"] = body["workerConfig"]?["cudaVersion"] ?? .null
            for field in ["freeTimeout", "maxConcurrent"] { workerConfig[field] = .string(String(workerConfig[field]?.int ?? 0)) }
            stored["workerConfig"] = workerConfig
            stored["policy"]?["value"] = .string(String(body["policy"]?["value"]?.int ?? 0))
            // The platform fixes the health check's timing; the update sets its path only.
            var healthy = (await state.endpoint(id))?["healthy"] ?? [:]
            healthy["path"] = body["healthy"]?["path"] ?? ""
            stored["healthy"] = healthy
            await state.setEndpoint(id, stored)
            return FakeResponse.json([:])
        }
        return router
    }
}
