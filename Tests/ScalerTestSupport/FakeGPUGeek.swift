import Foundation
import Hummingbird
import ScalerHTTP

/// GPUGeek's instance API as documented: `gz-api-token`, the `{code, message, traceid, data}`
/// envelope, asynchronous operations followed through `op/result`, and its quirks (`InstanceId`
/// on create, ids as numbers).
public actor FakeGPUGeekCloud {
    public struct Instance: Sendable {
        public var id: Int64
        public var name: String
        public var status: String
        public var createdAt: String
    }

    public static let token = "gg_test_token_31337"
    public private(set) var instances: [Int64: Instance] = [:]
    public private(set) var created: [JSON] = []
    public private(set) var actions: [JSON] = []
    /// Operations and how many more polls until each completes, and whether it fails.
    private var operations: [Int64: (instance: Int64, action: String, pollsLeft: Int, fails: Bool)] = [:]
    private var nextID: Int64 = 512_300_905_672_709
    public var pollsPerOperation = 1
    public var failNextOperation = false
    /// Answered with this code (once) instead of running the next call.
    public var nextErrorCode: Int?

    public init() {}

    public func seed(name: String, status: String, createdAt: String) -> Int64 {
        nextID += 1
        instances[nextID] = Instance(id: nextID, name: name, status: status, createdAt: createdAt)
        return nextID
    }

    public func failNext() { failNextOperation = true }
    public func setError(_ code: Int) { nextErrorCode = code }
    public func takeError() -> Int? { defer { nextErrorCode = nil }; return nextErrorCode }
    public func setPolls(_ polls: Int) { pollsPerOperation = polls }

    func create(_ body: JSON) -> JSON {
        created.append(body)
        nextID += 1
        let instance = nextID
        instances[instance] = Instance(id: instance, name: body["name"]?.string ?? "", status: "creating", createdAt: "2026-11-22 12:00:\(String(format: "%02d", created.count))")
        let operation = startOperation(instance: instance, action: "create")
        return ["InstanceId": .integer(instance), "operationId": .integer(operation), "spec": ["gpuName": body["gpuName"] ?? .null, "skuName": "payg"]]
    }

    func act(_ body: JSON) -> (code: Int, data: JSON) {
        actions.append(body)
        guard let id = body["instanceId"]?.int.map(Int64.init), instances[id] != nil else { return (10135, .null) }
        instances[id]?.status = body["action"]?.string == "release" ? "releasing" : instances[id]!.status
        return (0, ["operationId": .integer(startOperation(instance: id, action: body["action"]?.string ?? ""))])
    }

    private func startOperation(instance: Int64, action: String) -> Int64 {
        nextID += 1
        operations[nextID] = (instance, action, pollsPerOperation, failNextOperation)
        failNextOperation = false
        return nextID
    }

    func poll(_ ids: [Int64]) -> JSON {
        .array(ids.compactMap { id -> JSON? in
            guard var operation = operations[id] else { return nil }
            operation.pollsLeft -= 1
            operations[id] = operation
            let done = operation.pollsLeft <= 0
            if done {
                if operation.fails {
                    if operation.action == "create" { instances[operation.instance] = nil }
                } else if operation.action == "create" {
                    instances[operation.instance]?.status = "running"
                } else if operation.action == "release" {
                    instances[operation.instance] = nil
                }
            }
            return [
                "instanceId": .integer(operation.instance), "operationId": .integer(id), "action": .string(operation.action),
                "status": JSON(done ? (operation.fails ? 3 : 2) : 1), "isCompleted": JSON(done ? 1 : 0),
                "startTime": "2026-11-22 12:00:00", "completeTime": done ? "2026-11-22 12:00:02" : "",
            ]
        })
    }

    func page(number: Int, size: Int) -> JSON {
        let all = instances.values.sorted { $0.id < $1.id }
        let slice = all.dropFirst((number - 1) * size).prefix(size)
        return [
            "instances": .array(slice.map { ["instanceId": .integer($0.id), "name": .string($0.name), "status": .string($0.status),
                                             "isPending": 0, "gpuName": "G40-24G", "gpuNum": 1, "createdAt": .string($0.createdAt)] }),
            "total": JSON(all.count),
        ]
    }
}

public enum FakeGPUGeek {
    static func envelope(_ code: Int, _ message: String, _ data: JSON = [:]) -> Response {
        FakeResponse.json(["code": JSON(code), "message": .string(message), "traceid": "57cbd46995d11318814a78746318bc32", "data": data])
    }

    public static func router(_ cloud: FakeGPUGeekCloud, _ state: FakeProviderState) -> Router<BasicRequestContext> {
        let router = Router()
        @Sendable func authorized(_ seen: RecordedRequest) -> Bool { seen.headers["gz-api-token"] == FakeGPUGeekCloud.token }
        router.get("/api/v1/openapi/instance/query") { request, _ in
            let seen = try await request.recorded(in: state)
            guard authorized(seen) else { return envelope(10002, "Not logged in or login expired") }
            if let code = await cloud.takeError() { return envelope(code, "Internal Server Error") }
            let query = URLComponents(string: "http://x/?\(seen.query ?? "")")?.queryItems ?? []
            let number = Int(query.first { $0.name == "pn" }?.value ?? "1") ?? 1
            let size = min(Int(query.first { $0.name == "ps" }?.value ?? "20") ?? 20, 2)
            return envelope(0, "success", await cloud.page(number: number, size: size))
        }
        router.post("/api/v1/openapi/instance/create") { request, _ in
            let seen = try await request.recorded(in: state)
            guard authorized(seen) else { return envelope(10002, "Not logged in or login expired") }
            guard let body = seen.body, body["type"] == 2 else { return envelope(10005, "Parameter error: type must be 2") }
            for field in ["gpuName", "skuName", "imageId"] where body[field]?.string == nil {
                return envelope(10005, "Parameter error: \(field) is required")
            }
            guard (body["gpuNum"]?.int ?? 0) >= 1, ["payg", "bidding", "daily", "weekly", "monthly"].contains(body["skuName"]?.string ?? "") else {
                return envelope(10005, "Parameter error: gpuNum or skuName")
            }
            return envelope(0, "success", await cloud.create(body))
        }
        router.post("/api/v1/openapi/instance/action") { request, _ in
            let seen = try await request.recorded(in: state)
            guard authorized(seen) else { return envelope(10002, "Not logged in or login expired") }
            guard let body = seen.body, ["stop", "start", "restart", "release", "set_port"].contains(body["action"]?.string ?? "") else {
                return envelope(10005, "Parameter error: action")
            }
            let (code, data) = await cloud.act(body)
            return code == 0 ? envelope(0, "success", data) : envelope(code, "Instance operation error: no such instance")
        }
        router.post("/api/v1/openapi/instance/op/result") { request, _ in
            let seen = try await request.recorded(in: state)
            guard authorized(seen) else { return envelope(10002, "Not logged in or login expired") }
            guard let ids = seen.body?["ids"]?.array?.compactMap({ $0.int.map(Int64.init) }) else { return envelope(10005, "Parameter error: ids") }
            return envelope(0, "success", ["operations": await cloud.poll(ids)])
        }
        return router
    }
}
