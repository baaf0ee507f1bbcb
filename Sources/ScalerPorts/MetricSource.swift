import Foundation
import ScalerCore

/// Where an endpoint's queue delay and concurrency come from, chosen by `metrics.source`.
public protocol MetricSource: Sendable {
    func sample(endpointID: String) async throws(MetricError) -> MetricSample
}

public struct MetricError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
