import Foundation
import ScalerCore

/// Where an endpoint's queue delay and concurrency come from, chosen by `metrics.source`.
public protocol MetricSource: Sendable {
    func sample(endpointID: String) async throws(MetricError) -> MetricSample
}

public struct MetricError: Error, Sendable, Hashable, CustomStringConvertible {
    public var kind: FailureKind
    public var message: String

    public init(_ kind: FailureKind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// A transport failure, named as the source that met it (`prometheus: ...`).
    public init(_ source: String, _ error: ProviderError) {
        self.init(error.kind, "\(source): \(error.message)")
    }

    public var description: String { "\(kind.rawValue): \(message)" }
}
