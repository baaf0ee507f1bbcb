import Foundation
import ScalerHTTP
import ScalerPorts

/// GPUGeek's envelope `{code, message, traceid, data}` over the shared transport: `code != 0`
/// is a failure whatever the HTTP status said.
struct GPUGeekAPI: Sendable {
    let transport: ProviderTransport
    /// Instances per listing page; the listing must come out whole, so pages are bounded too.
    static let pageSize = 100
    static let maxPages = 100

    func call(_ request: ProviderRequest) async throws(ProviderError) -> JSON {
        let envelope = try await transport.json(request)
        guard let code = envelope["code"]?.int else {
            throw ProviderError(.malformed, "\(request.label): the answer has no numeric code")
        }
        guard code == 0 else {
            let message = transport.redact(envelope["message"]?.string ?? "no message")
            let trace = envelope["traceid"]?.string.map { " (traceid \($0))" } ?? ""
            throw ProviderError(Self.kind(of: code), "\(request.label): code \(code): \(message)\(trace)")
        }
        return envelope["data"] ?? .null
    }

    static func kind(of code: Int) -> ProviderError.Kind {
        switch code {
        case 10001: return .unavailable
        case 10002: return .unauthorized
        case 10005: return .rejected
        case 10135: return .operationFailed
        default: return .rejected
        }
    }

    /// Every unreleased instance whose name starts with `prefix`, from a listing that came out
    /// whole: one that ends before its `total` is an error, never a smaller pool.
    func members(prefix: String) async throws(ProviderError) -> [GPUGeekPool.Member] {
        let label = "GET /api/v1/openapi/instance/query"
        var members: [GPUGeekPool.Member] = []
        var seen: Set<String> = []
        for page in 1...Self.maxPages {
            let query = [URLQueryItem(name: "pn", value: "\(page)"), URLQueryItem(name: "ps", value: "\(Self.pageSize)")]
            let data = try await call(ProviderRequest(.get, "/api/v1/openapi/instance/query", query: query))
            guard let instances = data["instances"]?.array else { throw ProviderError(.malformed, "\(label): instances must be a list") }
            guard let total = data["total"]?.int, total >= 0 else { throw ProviderError(.malformed, "\(label): total must be a whole number") }
            for item in instances {
                guard let id = item.field("instanceId")?.string, seen.insert(id).inserted else { continue }
                // The suffix has no '-', so pool "a" never claims pool "a-b"'s instances.
                guard let name = item["name"]?.string, name.hasPrefix(prefix), !name.dropFirst(prefix.count).contains("-") else { continue }
                guard let status = item["status"]?.string else { throw ProviderError(.malformed, "\(label): instance \(name) has no status") }
                members.append(GPUGeekPool.Member(
                    id: id, name: name, status: GPUGeekPool.Status(status), createdAt: item["createdAt"]?.string ?? "",
                    pending: item["isPending"]?.int != 0
                ))
            }
            if seen.count >= total { return members }
            if instances.isEmpty {
                throw ProviderError(.malformed, "\(label): page \(page) is empty after \(seen.count) of \(total) instances; a short listing is not counted as a smaller pool")
            }
        }
        throw ProviderError(.malformed, "\(label): more than \(Self.maxPages * Self.pageSize) instances; the pool cannot be counted")
    }

    func operations(_ ids: [String]) async throws(ProviderError) -> [JSON] {
        let body: JSON = ["ids": .array(ids.map { Int64($0).map(JSON.integer) ?? .string($0) })]
        let data = try await call(ProviderRequest(.post, "/api/v1/openapi/instance/op/result", body: body))
        guard let results = data["operations"]?.array else {
            throw ProviderError(.malformed, "POST /api/v1/openapi/instance/op/result: operations must be a list")
        }
        return results
    }

    static func createBody(_ template: InstanceTemplate, name: String) -> JSON {
        var body: [String: JSON] = [
            "type": 2, "gpuName": .string(template.gpuName), "skuName": .string(template.skuName.rawValue),
            "gpuNum": JSON(template.gpuNum), "imageId": .string(template.imageID), "name": .string(name),
        ]
        if let command = template.command { body["cmd"] = .string(command) }
        if let datacenter = template.datacenterID { body["dcId"] = .string(datacenter) }
        if !template.httpPorts.isEmpty { body["httpServicePort"] = .array(template.httpPorts.map(JSON.init)) }
        if !template.servicePorts.isEmpty { body["servicePort"] = .array(template.servicePorts.map(JSON.init)) }
        if let size = template.systemDiskSize { body["systemDiskSize"] = JSON(size) }
        if let size = template.dataDiskSize { body["dataDiskSize"] = JSON(size) }
        return .object(body)
    }
}

extension JSON {
    /// A field whose key's case varies (`InstanceId` and `instanceId` both occur).
    func field(_ name: String) -> JSON? {
        guard let object else { return nil }
        return object[name] ?? object.first { $0.key.lowercased() == name.lowercased() }?.value
    }
}
