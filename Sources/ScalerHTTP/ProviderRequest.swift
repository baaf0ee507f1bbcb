import Foundation

public enum ProviderMethod: String, Sendable {
    case get = "GET", post = "POST", put = "PUT", patch = "PATCH", delete = "DELETE"
}

/// One call to a provider's API. `label` names it in errors and logs without its query, so that
/// a key carried in the query (RunPod GraphQL's `api_key`) never reaches either.
public struct ProviderRequest: Sendable {
    public var method: ProviderMethod
    public var path: String
    public var query: [URLQueryItem]
    public var body: JSON?
    /// Whether sending it twice does no harm. A request that is not (a GPUGeek create) is retried
    /// only when the provider surely did nothing with it (429); after a timeout or a 5xx it is not
    /// sent again, and its error says it may have been carried out.
    public var idempotent: Bool

    public init(_ method: ProviderMethod, _ path: String, query: [URLQueryItem] = [], body: JSON? = nil, idempotent: Bool = true) {
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.idempotent = idempotent
    }

    public var label: String { "\(method.rawValue) \(path)" }
}

/// A provider's answer, already read whole (within the size limit).
public struct ProviderResponse: Sendable {
    public var status: Int
    /// Header names lowercased.
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
