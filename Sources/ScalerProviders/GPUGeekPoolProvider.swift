import Foundation
import ScalerHTTP

/// GPUGeek has no serverless product: scalerd owns a pool of instances per endpoint, named
/// `scalerd-<endpoint id>-<suffix>` so that it adopts its own pool after a restart and never
/// touches an instance it did not create. Replicas are the pool's instances that are running or
/// being created.
public struct GPUGeekPoolProvider: Provider {
    public static let defaultBaseURL = "https://api-cloud.gpugeek.com"

    struct Instance {
        var id: String
        var name: String
        var status: String
        var createdAt: String
        var pending: Bool
    }

    let api: GPUGeekAPI
    let template: GPUGeekInstanceTemplate
    /// How long to follow operations through `op/result` within one apply.
    let followFor: Double
    let pollInterval: Double
    let suffix: @Sendable () -> String

    public init(
        transport: ProviderTransport, template: GPUGeekInstanceTemplate, followFor: Double = 2, pollInterval: Double = 0.5,
        suffix: @escaping @Sendable () -> String = { String(UUID().uuidString.prefix(8)).lowercased() }
    ) {
        api = GPUGeekAPI(transport: transport)
        self.template = template
        self.followFor = followFor
        self.pollInterval = pollInterval
        self.suffix = suffix
    }

    public func read(endpointID: String) async throws(ProviderError) -> EndpointStatus {
        let pool = try await members(of: endpointID)
        let live = pool.filter { ["running", "creating"].contains($0.status) }
        return EndpointStatus(
            settings: ManagedSettings(minReplicas: live.count),
            readyWorkers: pool.filter { $0.status == "running" && !$0.pending }.count
        )
    }

    public func apply(_ wanted: ManagedSettings, endpointID: String) async throws(ProviderError) {
        let pool = try await members(of: endpointID).filter { ["running", "creating"].contains($0.status) }
        var operations: [String] = []
        if wanted.minReplicas > pool.count {
            for _ in pool.count..<wanted.minReplicas {
                operations.append(try await create(endpointID))
            }
        } else if wanted.minReplicas < pool.count {
            // Still-creating instances go first (nothing runs on them yet), then the newest.
            let order = pool.sorted { lhs, rhs in
                if (lhs.status == "creating") != (rhs.status == "creating") { return lhs.status == "creating" }
                return lhs.createdAt > rhs.createdAt
            }
            for instance in order.prefix(pool.count - wanted.minReplicas) {
                operations.append(try await release(instance))
            }
        }
        try await follow(operations)
    }

    private func create(_ endpointID: String) async throws(ProviderError) -> String {
        var body: [String: JSON] = [
            "type": 2, "gpuName": .string(template.gpuName), "skuName": .string(template.skuName),
            "gpuNum": JSON(template.gpuNum), "imageId": .string(template.imageID),
            "name": .string("\(Self.prefix(endpointID))\(suffix())"),
        ]
        if let command = template.command { body["cmd"] = .string(command) }
        if let datacenter = template.datacenterID { body["dcId"] = .string(datacenter) }
        if !template.httpPorts.isEmpty { body["httpServicePort"] = .array(template.httpPorts.map(JSON.init)) }
        if !template.servicePorts.isEmpty { body["servicePort"] = .array(template.servicePorts.map(JSON.init)) }
        if let size = template.systemDiskSize { body["systemDiskSize"] = JSON(size) }
        if let size = template.dataDiskSize { body["dataDiskSize"] = JSON(size) }
        let data = try await api.call(ProviderRequest(.post, "/api/v1/openapi/instance/create", body: .object(body)))
        guard let operation = data.field("operationId")?.string, data.field("instanceId")?.string != nil else {
            throw ProviderError(.malformed, "POST /api/v1/openapi/instance/create: instanceId and operationId missing")
        }
        return operation
    }

    private func release(_ instance: Instance) async throws(ProviderError) -> String {
        let id: JSON = Int64(instance.id).map(JSON.integer) ?? .string(instance.id)
        let data = try await api.call(ProviderRequest(.post, "/api/v1/openapi/instance/action", body: ["instanceId": id, "action": "release"]))
        guard let operation = data.field("operationId")?.string else {
            throw ProviderError(.malformed, "POST /api/v1/openapi/instance/action: operationId missing")
        }
        return operation
    }

    /// Polls `op/result` until every operation completes, one fails, or the time is up; work
    /// still in progress then shows as `isPending` to the next tick's read.
    private func follow(_ operations: [String]) async throws(ProviderError) {
        guard !operations.isEmpty else { return }
        let deadline = ContinuousClock.now + .milliseconds(Int64(followFor * 1000))
        var open = Set(operations)
        while !open.isEmpty {
            let ids: [JSON] = open.sorted().map { Int64($0).map(JSON.integer) ?? .string($0) }
            let data = try await api.call(ProviderRequest(.post, "/api/v1/openapi/instance/op/result", body: ["ids": .array(ids)]))
            guard let results = data["operations"]?.array else {
                throw ProviderError(.malformed, "POST /api/v1/openapi/instance/op/result: operations must be a list")
            }
            for result in results {
                guard let id = result.field("operationId")?.string, open.contains(id) else { continue }
                if result["status"]?.int == 3 {
                    let action = result["action"]?.string ?? "operation"
                    throw ProviderError(.operationFailed, "\(action) \(id) on instance \(result.field("instanceId")?.string ?? "?") failed")
                }
                if result["isCompleted"]?.int == 1 { open.remove(id) }
            }
            guard !open.isEmpty, ContinuousClock.now + .milliseconds(Int64(pollInterval * 1000)) < deadline else { return }
            do {
                try await Task.sleep(for: .milliseconds(Int64(pollInterval * 1000)))
            } catch {
                throw ProviderError(.cancelled, "cancelled while following operations")
            }
        }
    }

    /// Every unreleased instance of this endpoint's pool, across all pages.
    private func members(of endpointID: String) async throws(ProviderError) -> [Instance] {
        let prefix = Self.prefix(endpointID)
        var pool: [Instance] = []
        var seen = 0
        let pageSize = 100
        for page in 1...100 {
            let query = [URLQueryItem(name: "pn", value: "\(page)"), URLQueryItem(name: "ps", value: "\(pageSize)")]
            let data = try await api.call(ProviderRequest(.get, "/api/v1/openapi/instance/query", query: query))
            guard let instances = data["instances"]?.array else {
                throw ProviderError(.malformed, "GET /api/v1/openapi/instance/query: instances must be a list")
            }
            for item in instances {
                // The suffix has no '-', so pool "a" never claims pool "a-b"'s instances.
                guard let name = item["name"]?.string, name.hasPrefix(prefix), !name.dropFirst(prefix.count).contains("-") else { continue }
                guard let id = item.field("instanceId")?.string, let status = item["status"]?.string else {
                    throw ProviderError(.malformed, "GET /api/v1/openapi/instance/query: instance \(name) lacks instanceId or status")
                }
                pool.append(Instance(id: id, name: name, status: status, createdAt: item["createdAt"]?.string ?? "", pending: item["isPending"]?.int == 1))
            }
            // The server may cap the page size below what was asked: go by `total`, not by `ps`.
            seen += instances.count
            guard let total = data["total"]?.int else {
                if instances.count < pageSize { break }
                continue
            }
            if instances.isEmpty || seen >= total { break }
        }
        return pool
    }

    static func prefix(_ endpointID: String) -> String { "scalerd-\(endpointID)-" }
}
