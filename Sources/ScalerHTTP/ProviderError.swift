/// A provider failure, categorised so that the journal can be filtered by kind.
public struct ProviderError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Missing, wrong or insufficient API key (401/403, GPUGeek 10001/10002).
        case unauthorized
        case notFound = "not_found"
        /// The provider refused the request as invalid; the message is the provider's.
        case rejected
        case rateLimited = "rate_limited"
        /// 5xx or an equivalent: the provider is down or overloaded.
        case unavailable
        case timeout
        /// No connection, or it broke.
        case network
        /// An answer scalerd cannot read: wrong types, missing fields, too large or too deep.
        case malformed
        /// The provider accepted an operation and then reported it failed (GPUGeek 10135, op status 3).
        case operationFailed = "operation_failed"
        case cancelled
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// Worth trying again within the same tick.
    public var isTransient: Bool {
        [.rateLimited, .unavailable, .timeout, .network].contains(kind)
    }

    public var description: String { "\(kind.rawValue): \(message)" }
}
