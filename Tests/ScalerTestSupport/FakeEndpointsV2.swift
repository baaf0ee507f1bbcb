import Foundation
import HTTPTypes
import Hummingbird
import ScalerHTTP

/// PPIO's (and Novita's) v2 endpoint API as `ppio-create-endpoint.txt`, `ppio-list-endpoints.txt`
/// and `provider-notes.md` §1.2 describe it: bearer key, `GET/PUT /gpus/v2/endpoints/{id}`, the
/// cursor-paginated list with its keyword search, the update schema and its ranges. Whether `PUT`
/// replaces or merges is undocumented; this fake takes the reading that loses more: every
/// updatable field not sent, and every `worker_config` field not sent, goes back to its default.
public enum FakeEndpointsV2 {
    public static let apiKey = "sk_v2_test_key_abcdef"

    /// Every configurable field off its default and off the documents' examples.
    public static func endpoint(id: String, name: String = "example-endpoint", min: Int = 1, max: Int = 2) -> JSON {
        [
            "id": .string(id), "type": "async", "name": .string(name), "app_name": "example-app",
            "status": ["status": "running", "error": "", "message": ""],
            "url": .string("https://endpoint.example.com/" + id), "product_id": "product-4090",
            "worker_config": [
                "min_replicas": JSON(min), "max_replicas": JSON(max), "idle_timeout": 45, "max_concurrent_per_worker": 4,
                "gpu_num": 2, "rootfs_size_gb": 50, "min_cuda_version": "12.8", "request_timeout": 900,
            ],
            "policy": ["type": "concurrency", "value": 7],
            "image": "registry.example.com/team/llm:2", "registry_auth_id": "registry-auth-7",
            "entrypoint": "/bin/sh", "command": "python serve.py --port 8080",
            "volumes": [["id": "storage-9", "type": "network", "mount_point": "/models"], ["id": "local-1", "type": "local", "size": 30, "mount_point": "/scratch"]],
            "envs": [["key": "MODEL", "value": "llama"], ["key": "HF_HOME", "value": "/models"]], "ports": [8080, 9090],
            "workers": [
                ["id": "w1", "status": ["status": "ready", "error": "", "message": ""], "log": "https://logs.example.com/w1", "health": true, "drain": false],
                ["id": "w2", "status": ["status": "pending", "error": "", "message": ""], "log": "", "health": false, "drain": false],
            ],
            "health_check": ["path": "/ready", "port": 9090],
            "region_id": "region-eu", "member_id": "member-id", "owner_id": "55555555-e29b-41d4-a716-446655440000",
            "created_at": 1_710_000_000,
        ]
    }

    static func error(_ status: Int, _ message: String) -> Response {
        FakeResponse.json(["code": JSON(status), "reason": "INVALID_ARGUMENT", "message": .string(message)], status: HTTPResponse.Status(code: status))
    }

    /// The update's body properties (§1.2); `type` and `app_name` are not among them.
    public static let updatable: Set<String> = [
        "name", "product_id", "worker_config", "policy", "image", "registry_auth_id", "entrypoint", "command",
        "health_check", "envs", "ports", "volumes", "region_id",
    ]

    /// What a field not sent becomes under the replacing reading.
    static let topDefaults: [String: JSON] = [
        "name": "", "product_id": "", "policy": ["type": "queue", "value": 100], "image": "", "registry_auth_id": "",
        "entrypoint": "", "command": "", "health_check": ["path": "", "port": 0], "envs": [], "ports": [], "volumes": [], "region_id": "",
    ]
    static let workerConfigDefaults: [String: JSON] = [
        "min_replicas": 0, "idle_timeout": 300, "max_concurrent_per_worker": 10, "gpu_num": 1, "rootfs_size_gb": 20,
        "min_cuda_version": "12.4", "request_timeout": 60,
    ]

    public static func validate(_ body: [String: JSON]) -> [String] {
        var errors = body.keys.sorted().filter { !updatable.contains($0) }.map { "unknown field \($0)" }
        if let config = body["worker_config"] {
            guard let fields = config.object else { return errors + ["worker_config must be an object"] }
            errors += fields.keys.sorted().filter { $0 != "max_replicas" && workerConfigDefaults[$0] == nil }.map { "unknown field worker_config.\($0)" }
            if fields["max_replicas"] == nil { errors.append("worker_config.max_replicas is required") }
            let ranges: [(String, ClosedRange<Int>)] = [
                ("max_replicas", 0...1000), ("min_replicas", 0...1000), ("idle_timeout", 1...1000),
                ("max_concurrent_per_worker", 1...1000), ("gpu_num", 1...8), ("rootfs_size_gb", 10...100), ("request_timeout", 1...1800),
            ]
            for (key, range) in ranges where fields[key] != nil {
                if case .integer(let value)? = fields[key], range.contains(Int(value)) { continue }
                errors.append("worker_config.\(key) must be an integer in \(range)")
            }
            if let cuda = fields["min_cuda_version"], !["12.4", "12.6", "12.8", "12.9", "13.0"].contains(cuda.string ?? "") {
                errors.append("worker_config.min_cuda_version must be one of 12.4, 12.6, 12.8, 12.9, 13.0")
            }
        }
        if let policy = body["policy"] {
            if !["queue", "concurrency"].contains(policy["type"]?.string ?? "") { errors.append("policy.type must be queue or concurrency") }
            if case .integer(let value)? = policy["value"], (1...1000).contains(value) {} else { errors.append("policy.value must be an integer in 1...1000") }
        }
        for port in body["ports"]?.array ?? [] where !(1...65535).contains(port.int ?? 0) { errors.append("ports must be integers in 1...65535") }
        return errors
    }

    public static func router(_ state: FakeProviderState, pageSize: Int = 2) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/gpus/v2/endpoints") { request, _ in
            let seen = try await request.recorded(in: state)
            if let fault = try await FakeResponse.fault(await state.nextFault()) { return fault }
            guard seen.headers["authorization"] == "Bearer \(apiKey)" else { return error(401, "unauthorized") }
            let query = URLComponents(string: "http://x/?\(seen.query ?? "")")?.queryItems ?? []
            let limit = Int(query.first { $0.name == "limit" }?.value ?? "10") ?? 10
            let offset = Int(query.first { $0.name == "cursor" }?.value ?? "0") ?? 0
            let keyword = query.first { $0.name == "keyword" }?.value ?? ""
            let all = await state.endpoints.values
                .filter { keyword.isEmpty || ($0["name"]?.string ?? "").contains(keyword) }
                .sorted { ($0["id"]?.string ?? "") < ($1["id"]?.string ?? "") }
            let page = Array(all.dropFirst(offset).prefix(max(1, min(limit, pageSize))))
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
            for field in updatable { endpoint[field] = body[field] ?? topDefaults[field] ?? .null }
            if let sent = body["worker_config"]?.object {
                var config = sent
                for (field, value) in workerConfigDefaults where config[field] == nil { config[field] = value }
                endpoint["worker_config"] = .object(config)
            } else {
                endpoint["worker_config"] = .object(workerConfigDefaults.merging(["max_replicas": 0]) { $1 })
            }
            await state.setEndpoint(id, endpoint)
            return FakeResponse.json([:])
        }
        return router
    }
}

extension FakeEndpointsV2 {
    /// A config's `providers:` and `endpoints:` for one PPIO endpoint `e` (id `ep-1`) on this fake,
    /// its metrics from `FakeMetrics` at `metricsURL`.
    public static func config(providerURL: String, metricsURL: String, policy: String) -> String {
        """
        providers: [{ name: p, kind: ppio, base_url: "\(providerURL)", api_key: env:KEY, rate_limit: 100 }]
        endpoints:
          - name: e
            provider: p
            id: ep-1
            metrics: { source: http, url: "\(metricsURL)/metrics/ep-1", queued: /queue/waiting, in_flight: /queue/running }
            policy: \(policy)
        """
    }
}
