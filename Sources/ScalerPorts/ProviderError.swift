import ScalerCore

/// A provider failure: its kind, for the journal and the metrics, and the provider's own words.
public struct ProviderError: Error, Sendable, Hashable, CustomStringConvertible {
    public typealias Kind = FailureKind

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
