import Foundation
import ScalerHTTP

/// GPUGeek's envelope `{code, message, traceid, data}` over the shared transport: `code != 0`
/// is a failure whatever the HTTP status said.
struct GPUGeekAPI: Sendable {
    let transport: ProviderTransport

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
}

extension JSON {
    /// A field whose key's case varies (`InstanceId` and `instanceId` both occur).
    func field(_ name: String) -> JSON? {
        guard let object else { return nil }
        return object[name] ?? object.first { $0.key.lowercased() == name.lowercased() }?.value
    }
}
