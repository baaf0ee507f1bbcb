import Foundation

/// Sizing scale-ups for the load one cold start from now, since no worker asked for now can
/// serve anything sooner.
public struct LookAheadPolicy: Sendable, Hashable, Codable {
    /// Seconds of recommendations the load's trend is fitted over.
    public var window: TimeInterval
    /// The cold start assumed until scalerd has measured the endpoint's own.
    public var assumedColdStart: TimeInterval
    /// For a queue policy, the share of a worker's slots planned for arrivals; below 1 leaves
    /// headroom for a ramp the trend has not caught yet. A concurrency policy's value says it already.
    public var utilization: Double

    public init(window: TimeInterval = 60, assumedColdStart: TimeInterval = 60, utilization: Double = 1) {
        self.window = window
        self.assumedColdStart = assumedColdStart
        self.utilization = utilization
    }
}
