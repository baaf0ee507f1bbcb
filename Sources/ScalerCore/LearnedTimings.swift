import Foundation

/// What scalerd has learned about one endpoint from its own samples, for status and metrics:
/// operators should see the numbers the look-ahead, the adaptive idle timeout and the SLO act on.
public struct LearnedTimings: Sendable, Hashable, Codable {
    /// The median measured cold start in seconds; `nil` until one is measured.
    public var coldStart: Double?
    /// The median service time of one request in seconds; `nil` until a busy stretch is seen.
    public var serviceTime: Double?
    /// The idle timeout in force: the learned one when adaptive and enough gaps are seen.
    public var idleTimeout: Double
    /// Under `slo`: the share of load-weighted time with the queue delay past the wait over the
    /// SLO window; `nil` without an SLO or until half a window is measured.
    public var overTargetShare: Double?
    /// Under `slo`: the factor feedback has put on the learned headroom; `nil` without an SLO.
    public var headroomScale: Double?

    public init(coldStart: Double?, serviceTime: Double?, idleTimeout: Double, overTargetShare: Double? = nil, headroomScale: Double? = nil) {
        self.coldStart = coldStart
        self.serviceTime = serviceTime
        self.idleTimeout = idleTimeout
        self.overTargetShare = overTargetShare
        self.headroomScale = headroomScale
    }
}

extension ScalerState {
    public func learned(under policy: ScalingPolicy) -> LearnedTimings {
        LearnedTimings(
            coldStart: coldStart.estimate,
            serviceTime: serviceTime,
            idleTimeout: policy.adaptiveIdle?.timeout(gaps: idleGaps)?.seconds ?? policy.idleTimeout,
            overTargetShare: policy.slo.flatMap { serviceLevel?.measuredShare($0) },
            headroomScale: policy.slo.map { _ in serviceLevel?.scale ?? 1 }
        )
    }
}
