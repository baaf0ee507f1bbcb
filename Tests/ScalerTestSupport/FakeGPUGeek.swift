import Foundation
import Hummingbird
import ScalerHTTP

/// GPUGeek's instance API as `gpugeek-instance-api.txt` and `provider-notes.md` §4 describe it:
/// `gz-api-token`, the `{code, message, traceid, data}` envelope, operations that take time and
/// are followed through `op/result`, instances `creating`, `running` or `stopd` (no other status
/// is documented) with `isPending: 1` while an operation runs on them, a second operation on a
/// pending instance refused, released instances gone from the listing, and the document's quirks
/// (`InstanceId` on create, ids as numbers). Time is the injected clock's.
public actor FakeGPUGeekCloud {
    public struct Instance: Sendable {
        public var id: Int64
        public var name: String
        public var status: String
        public var createdAt: Date
        public var skuName: String
        public var gpuName: String
        /// The operation running on it, if any: what `isPending` reports.
        public var pendingOperation: Int64?
    }

    struct Operation {
        var instance: Int64
        var action: String
        var startedAt: Date
        var fails: Bool
        var done = false
    }

    /// What happens to the request that acted, after acting: its answer is lost in a way that
    /// leaves the caller unsure whether the server did anything.
    public enum AfterActing: Sendable {
        /// No answer until the test lets it go (then a success, too late for the caller).
        case unanswered(until: HeldAnswers)
        case status(Int)
    }

    public static let token = "gg_test_token_31337"
    public private(set) var instances: [Int64: Instance] = [:]
    public private(set) var created: [JSON] = []
    public private(set) var actions: [JSON] = []
    /// The most instances that existed at once, and `(instance, action)` pairs refused because an
    /// operation was already running on the instance.
    public private(set) var peakInstances = 0
    public private(set) var refusedWhilePending: [(Int64, String)] = []
    private var operations: [Int64: Operation] = [:]
    private var nextID: Int64 = 512_300_905_672_709
    private let now: @Sendable () -> Date
    public var operationSeconds: Double
    private var failNextOperation = false
    private var nextErrorCode: Int?
    private var afterNextCreate: AfterActing?
    /// Pages after the first come back empty while `total` still counts everything: a listing
    /// cut short.
    private var truncateListing = false

    public init(operationSeconds: Double = 0, now: @escaping @Sendable () -> Date = { Date() }) {
        self.operationSeconds = operationSeconds
        self.now = now
    }

    @discardableResult
    public func seed(name: String, status: String, createdAt: Date = Date(timeIntervalSince1970: 1_790_000_000), skuName: String = "payg") -> Int64 {
        nextID += 1
        instances[nextID] = Instance(id: nextID, name: name, status: status, createdAt: createdAt, skuName: skuName, gpuName: "G40-24G")
        peakInstances = max(peakInstances, instances.count)
        return nextID
    }

    public func failNext() { failNextOperation = true }
    public func setError(_ code: Int) { nextErrorCode = code }
    public func takeError() -> Int? { defer { nextErrorCode = nil }; return nextErrorCode }
    public func setOperationSeconds(_ seconds: Double) { operationSeconds = seconds }
    public func loseNextCreateAnswer(_ how: AfterActing) { afterNextCreate = how }
    public func takeAfterCreate() -> AfterActing? { defer { afterNextCreate = nil }; return afterNextCreate }
    public func setTruncatedListing(_ truncated: Bool) { truncateListing = truncated }
    public func names() -> [String] { instances.values.map(\.name).sorted() }

    func create(_ body: JSON) -> JSON {
        settle()
        created.append(body)
        nextID += 1
        let instance = nextID
        instances[instance] = Instance(
            id: instance, name: body["name"]?.string ?? "", status: "creating", createdAt: now(),
            skuName: body["skuName"]?.string ?? "payg", gpuName: body["gpuName"]?.string ?? ""
        )
        peakInstances = max(peakInstances, instances.count)
        let operation = startOperation(instance: instance, action: "create")
        return ["InstanceId": .integer(instance), "operationId": .integer(operation), "spec": ["gpuName": body["gpuName"] ?? .null, "skuName": body["skuName"] ?? .null, "price": "10"]]
    }

    func act(_ body: JSON) -> (code: Int, message: String, data: JSON) {
        settle()
        actions.append(body)
        let action = body["action"]?.string ?? ""
        guard let id = body["instanceId"]?.int.map(Int64.init), let instance = instances[id] else {
            return (10135, "Instance operation error: no such instance", .null)
        }
        guard instance.pendingOperation == nil else {
            refusedWhilePending.append((id, action))
            return (10135, "Instance operation error: an operation is in progress on this instance", .null)
        }
        return (0, "success", ["operationId": .integer(startOperation(instance: id, action: action))])
    }

    private func startOperation(instance: Int64, action: String) -> Int64 {
        nextID += 1
        operations[nextID] = Operation(instance: instance, action: action, startedAt: now(), fails: failNextOperation)
        instances[instance]?.pendingOperation = nextID
        failNextOperation = false
        return nextID
    }

    /// Completes every operation whose time is up, as the cloud would have by now.
    private func settle() {
        let current = now()
        for (id, operation) in operations.sorted(by: { $0.key < $1.key }) where !operation.done {
            guard current.timeIntervalSince(operation.startedAt) >= operationSeconds else { continue }
            operations[id]?.done = true
            instances[operation.instance]?.pendingOperation = nil
            guard !operation.fails else {
                if operation.action == "create" { instances[operation.instance] = nil }
                continue
            }
            switch operation.action {
            case "create", "start", "restart": instances[operation.instance]?.status = "running"
            case "stop": instances[operation.instance]?.status = "stopd"
            case "release": instances[operation.instance] = nil
            default: break
            }
        }
    }

    func poll(_ ids: [Int64]) -> JSON {
        settle()
        return .array(ids.compactMap { id -> JSON? in
            guard let operation = operations[id] else { return nil }
            return [
                "instanceId": .integer(operation.instance), "operationId": .integer(id), "action": .string(operation.action),
                "status": JSON(operation.done ? (operation.fails ? 3 : 2) : 1), "isCompleted": JSON(operation.done ? 1 : 0),
                "startTime": .string(Self.format(operation.startedAt)),
                "completeTime": operation.done ? .string(Self.format(operation.startedAt.addingTimeInterval(operationSeconds))) : "",
            ]
        })
    }

    func page(number: Int, size: Int, status: String?, instanceID: Int64?) -> JSON {
        settle()
        let all = instances.values
            .filter { status == nil || $0.status == status }
            .filter { instanceID == nil || $0.id == instanceID }
            .sorted { $0.id < $1.id }
        let slice = truncateListing && number > 1 ? [] : Array(all.dropFirst(max(0, number - 1) * size).prefix(size))
        return [
            "instances": .array(slice.map { instance in
                [
                    "instanceId": .integer(instance.id), "name": .string(instance.name), "status": .string(instance.status),
                    "imageId": "torch2.1.1-cuda12.1.0-py3.10", "isPending": JSON(instance.pendingOperation == nil ? 0 : 1),
                    "gpuName": .string(instance.gpuName), "gpuNum": 1, "skuName": .string(instance.skuName),
                    "operationId": instance.pendingOperation.map(JSON.integer) ?? 0, "cpuCoreNum": 16, "memorySize": 17_179_869_184,
                    "systemDiskSize": 32_212_254_720, "systemDiskUsedSize": 4_311_059, "dataDiskSize": 21_474_836_480, "dataDiskUsedSize": 0,
                    "sshCmd": "ssh -p 59064 root@example", "sshPwd": "not-a-real-password", "notebookUrl": "", "tensorboardUrl": "",
                    "customServices": [], "httpServices": [], "createdAt": .string(Self.format(instance.createdAt)), "dcId": "suqian-b",
                    "availableGpuNum": 8, "isStartable": true,
                ]
            }),
            "total": JSON(all.count),
        ]
    }

    static func format(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date)
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
            if let fault = try await FakeResponse.fault(await state.nextFault()) { return fault }
            guard authorized(seen) else { return envelope(10002, "Not logged in or login expired") }
            if let code = await cloud.takeError() { return envelope(code, "Internal Server Error") }
            let query = URLComponents(string: "http://x/?\(seen.query ?? "")")?.queryItems ?? []
            func value(_ name: String) -> String? { query.first { $0.name == name }?.value }
            let data = await cloud.page(
                number: Int(value("pn") ?? "1") ?? 1, size: Int(value("ps") ?? "20") ?? 20,
                status: value("status"), instanceID: value("instanceId").flatMap { Int64($0) }
            )
            return envelope(0, "success", data)
        }
        router.post("/api/v1/openapi/instance/create") { request, _ in
            let seen = try await request.recorded(in: state)
            if let fault = try await FakeResponse.fault(await state.nextFault()) { return fault }
            guard authorized(seen) else { return envelope(10002, "Not logged in or login expired") }
            if let code = await cloud.takeError() { return envelope(code, "Internal Server Error") }
            guard let body = seen.body, body["type"] == 2 else { return envelope(10005, "Parameter error: type must be 2") }
            for field in ["gpuName", "skuName", "imageId"] where body[field]?.string == nil {
                return envelope(10005, "Parameter error: \(field) is required")
            }
            guard (body["gpuNum"]?.int ?? 0) >= 1, ["payg", "bidding", "daily", "weekly", "monthly"].contains(body["skuName"]?.string ?? "") else {
                return envelope(10005, "Parameter error: gpuNum or skuName")
            }
            let data = await cloud.create(body)
            switch await cloud.takeAfterCreate() {
            case .unanswered(let held)?:
                await held.wait()
                return envelope(0, "success", data)
            case .status(let code)?:
                return FakeResponse.raw("upstream error", status: .init(code: code), contentType: "text/plain")
            case nil:
                return envelope(0, "success", data)
            }
        }
        router.post("/api/v1/openapi/instance/action") { request, _ in
            let seen = try await request.recorded(in: state)
            if let fault = try await FakeResponse.fault(await state.nextFault()) { return fault }
            guard authorized(seen) else { return envelope(10002, "Not logged in or login expired") }
            if let code = await cloud.takeError() { return envelope(code, "Internal Server Error") }
            guard let body = seen.body, ["stop", "start", "restart", "release", "set_port"].contains(body["action"]?.string ?? "") else {
                return envelope(10005, "Parameter error: action")
            }
            let (code, message, data) = await cloud.act(body)
            return envelope(code, message, data)
        }
        router.post("/api/v1/openapi/instance/op/result") { request, _ in
            let seen = try await request.recorded(in: state)
            if let fault = try await FakeResponse.fault(await state.nextFault()) { return fault }
            guard authorized(seen) else { return envelope(10002, "Not logged in or login expired") }
            guard let ids = seen.body?["ids"]?.array?.compactMap({ $0.int.map(Int64.init) }) else { return envelope(10005, "Parameter error: ids") }
            return envelope(0, "success", ["operations": await cloud.poll(ids)])
        }
        return router
    }
}
