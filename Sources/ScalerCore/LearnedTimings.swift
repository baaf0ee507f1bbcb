import Foundation

/// What scalerd has learned about one endpoint from its own samples, for status and metrics:
/// operators should see the numbers the look-ahead and the adaptive idle timeout act on.
public struct LearnedTimings: Sendable, Hashable, Codable {
    /// The median measured cold start in seconds; `nil` until one is measured.
    public var coldStart: Double?
    /// The median service time of one request in seconds; `nil` until a busy stretch is seen.
    public var serviceTime: Double?
    /// The idle timeout in force: the learned one when adaptive and enough gaps are seen.
    public var idleTimeout: Double

    public init(coldStart: Double?, serviceTime: Double?, idleTimeout: Double) {
        self.coldStart = coldStart
        self.serviceTime = serviceTime
        self.idleTimeout = idleTimeout
    }
}

extension ScalerState {
    public func learned(under policy: ScalingPolicy) -> LearnedTimings {
        LearnedTimings(
            coldStart: coldStart.estimate,
            serviceTime: serviceTime,
            idleTimeout: policy.adaptiveIdle?.timeout(gaps: idleGaps)?.seconds ?? policy.idleTimeout
        )
    }
}
