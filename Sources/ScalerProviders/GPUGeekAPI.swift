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
            let listed = try Self.page(data, prefix: prefix, label: label)
            for (id, member) in listed.instances where seen.insert(id).inserted {
                if let member { members.append(member) }
            }
            if seen.count >= listed.total { return members }
            if listed.instances.isEmpty {
                throw ProviderError(.malformed, "\(label): page \(page) is empty after \(seen.count) of \(listed.total) instances; a short listing is not counted as a smaller pool")
            }
        }
        throw ProviderError(.malformed, "\(label): more than \(Self.maxPages * Self.pageSize) instances; the pool cannot be counted")
    }

    /// One listing page: every instance's id, with the member it is when the name is the pool's,
    /// and the listing's `total`.
    static func page(_ data: JSON, prefix: String, label: String) throws(ProviderError) -> (instances: [(String, GPUGeekPool.Member?)], total: Int) {
        guard let instances = data["instances"]?.array else { throw ProviderError(.malformed, "\(label): instances must be a list") }
        guard let total = data["total"]?.int, (0...Count.absurd).contains(total) else {
            throw ProviderError(.malformed, "\(label): total must be a whole number in 0...\(Count.absurd)")
        }
        var listed: [(String, GPUGeekPool.Member?)] = []
        for item in instances {
            // Ids are Int64s in the document (some answers send them as strings).
            guard let number = item.field("instanceId")?.int, number > 0 else {
                throw ProviderError(.malformed, "\(label): an instance's instanceId is not a positive whole number")
            }
            let id = String(number)
            // The suffix has no '-', so pool "a" never claims pool "a-b"'s instances.
            guard let name = item["name"]?.string, name.hasPrefix(prefix), !name.dropFirst(prefix.count).contains("-") else {
                listed.append((id, nil))
                continue
            }
            guard case .string(let status)? = item["status"] else { throw ProviderError(.malformed, "\(label): instance \(name) has no status") }
            // Anything but a clear 0 may be an operation in progress: such an instance is left alone.
            let pending = item["isPending"]?.int != 0
            listed.append((id, GPUGeekPool.Member(
                id: id, name: name, status: GPUGeekPool.Status(status), createdAt: item["createdAt"]?.string ?? "", pending: pending
            )))
        }
        return (listed, total)
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
