import Foundation
import HTTPTypes
import Hummingbird
import ScalerHTTP

/// PPIO's (and Novita's) v2 endpoint API as documented: bearer key, `GET/PUT
/// /gpus/v2/endpoints/{id}`, the cursor-paginated list, the update schema and its ranges.
public enum FakeEndpointsV2 {
    public static let apiKey = "sk_v2_test_key_abcdef"

    public static func endpoint(id: String, name: String = "example-endpoint", min: Int = 0, max: Int = 2) -> JSON {
        [
            "id": .string(id), "type": "sync", "name": .string(name), "app_name": "example-app",
            "status": ["status": "running", "error": "", "message": ""],
            "url": .string("https://endpoint.example.com/" + id), "product_id": "product-id",
            "worker_config": [
                "min_replicas": JSON(min), "max_replicas": JSON(max), "idle_timeout": 300, "max_concurrent_per_worker": 10,
                "gpu_num": 1, "rootfs_size_gb": 20, "min_cuda_version": "12.4", "request_timeout": 60,
            ],
            "policy": ["type": "queue", "value": 100],
            "image": "registry.example.com/namespace/image:tag", "registry_auth_id": "registry-auth-id",
            "entrypoint": "", "command": "go run main.go",
            "volumes": [["id": "storage-id", "type": "network", "mount_point": "/data"]],
            "envs": [["key": "ENV_NAME", "value": "ENV_VALUE"]], "ports": [8080],
            "workers": [
                ["id": "w1", "status": ["status": "ready", "error": "", "message": ""], "health": true, "drain": false],
                ["id": "w2", "status": ["status": "pending", "error": "", "message": ""], "health": false, "drain": false],
            ],
            "health_check": ["path": "/healthz", "port": 8080],
            "region_id": "region-id", "member_id": "member-id", "owner_id": "55555555-e29b-41d4-a716-446655440000",
            "created_at": 1_710_000_000,
        ]
    }

    static func error(_ status: Int, _ message: String) -> Response {
        FakeResponse.json(["code": JSON(status), "reason": "INVALID_ARGUMENT", "message": .string(message)], status: HTTPResponse.Status(code: status))
    }

    public static let updatable: Set<String> = [
        "name", "product_id", "worker_config", "policy", "image", "registry_auth_id", "entrypoint", "command",
        "health_check", "envs", "ports", "volumes", "region_id",
    ]

    static let workerConfigFields: Set<String> = [
        "max_replicas", "min_replicas", "idle_timeout", "max_concurrent_per_worker", "gpu_num", "rootfs_size_gb",
        "min_cuda_version", "request_timeout",
    ]

    public static func validate(_ body: [String: JSON]) -> [String] {
        var errors = body.keys.filter { !updatable.contains($0) }.map { "unknown field \($0)" }
        if let config = body["worker_config"] {
            guard let fields = config.object else { return errors + ["worker_config must be an object"] }
            errors += fields.keys.filter { !workerConfigFields.contains($0) }.map { "unknown field worker_config.\($0)" }
            if fields["max_replicas"] == nil { errors.append("worker_config.max_replicas is required") }
            let ranges: [(String, ClosedRange<Int>)] = [
                ("max_replicas", 0...1000), ("min_replicas", 0...1000), ("idle_timeout", 1...1000),
                ("max_concurrent_per_worker", 1...1000), ("gpu_num", 1...8), ("rootfs_size_gb", 10...100), ("request_timeout", 1...1800),
            ]
            for (key, range) in ranges where fields[key] != nil {
                if case .integer(let value)? = fields[key], range.contains(Int(value)) { continue }
                errors.append("worker_config.\(key) must be an integer in \(range)")
            }
        }
        if let policy = body["policy"] {
            if !["queue", "concurrency"].contains(policy["type"]?.string ?? "") { errors.append("policy.type must be queue or concurrency") }
            if case .integer(let value)? = policy["value"], (1...1000).contains(value) {} else { errors.append("policy.value must be an integer in 1...1000") }
        }
        return errors
    }

    public static func router(_ state: FakeProviderState) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/gpus/v2/endpoints") { request, _ in
            let seen = try await request.recorded(in: state)
            if let fault = try await FakeResponse.fault(await state.nextFault()) { return fault }
            guard seen.headers["authorization"] == "Bearer \(apiKey)" else { return error(401, "unauthorized") }
            let query = URLComponents(string: "http://x/?\(seen.query ?? "")")?.queryItems ?? []
            let limit = Int(query.first { $0.name == "limit" }?.value ?? "10") ?? 10
            let offset = Int(query.first { $0.name == "cursor" }?.value ?? "0") ?? 0
            let all = await state.endpoints.values.sorted { ($0["id"]?.string ?? "") < ($1["id"]?.string ?? "") }
            let page = Array(all.dropFirst(offset).prefix(max(1, Swift.min(limit, 2))))
            let next = offset + page.count
            return FakeResponse.json(["data": .array(page), "next_cursor": .string(next < all.count ? "\(next)" : ""), "has_more": .bool(next < all.count)])
        }
        router.get("/gpus/v2/endpoints/:id") { request, context in
            let seen = try await request.recorded(in: state)
            if let fault = try await FakeResponse.fault(await state.nextFault()) { return fault }
            guard seen.headers["authorization"] == "Bearer \(apiKey)" else { return error(401, "unauthorized") }
            guard let endpoint = await state.endpoint(context.parameters.get("id") ?? "") else { return error(404, "endpoint not found") }
            return FakeResponse.json(endpoint)
        }
        router.put("/gpus/v2/endpoints/:id") { request, context in
            let seen = try await request.recorded(in: state)
            if let fault = try await FakeResponse.fault(await state.nextFault()) { return fault }
            guard seen.headers["authorization"] == "Bearer \(apiKey)" else { return error(401, "unauthorized") }
            guard seen.headers["content-type"]?.hasPrefix("application/json") == true else { return error(400, "Content-Type must be application/json") }
            let id = context.parameters.get("id") ?? ""
            guard var endpoint = await state.endpoint(id) else { return error(404, "endpoint not found") }
            guard let body = seen.body?.object else { return error(400, "body must be a JSON object") }
            let problems = validate(body)
            guard problems.isEmpty else { return error(400, problems.joined(separator: "; ")) }
            for (key, value) in body { endpoint[key] = value }
            await state.setEndpoint(id, endpoint)
            return FakeResponse.json([:])
        }
        return router
    }
}
