import Foundation

/// A raw recommendation remembered for the stabilization windows.
public struct TimedRecommendation: Sendable, Hashable, Codable {
    public var at: Date
    public var replicas: Int

    public init(at: Date, replicas: Int) {
        self.at = at
        self.replicas = replicas
    }
}

/// What one endpoint's autoscaler carries from one decision to the next.
public struct ScalerState: Sendable, Hashable, Codable {
    public var lastDesired: Int?
    public var recommendations: [TimedRecommendation]
    public var consecutiveFailures: Int
    /// Start of the current run of fresh samples proving nothing is queued or running.
    public var idleSince: Date?
    /// First fresh sample since start: scale-down waits until a whole window has been seen.
    public var observingSince: Date?
    /// When the previous decision was made: spend is charged from then to now.
    public var lastDecisionAt: Date?
    /// Spend over the last day, for `max_spend_per_day`.
    public var spend: [SpendBucket]
    /// Replica counts running and decided within the longest rate-limit period, for `max_percent`.
    public var replicaHistory: [TimedRecommendation]

    public init(
        lastDesired: Int? = nil,
        recommendations: [TimedRecommendation] = [],
        consecutiveFailures: Int = 0,
        idleSince: Date? = nil,
        observingSince: Date? = nil,
        lastDecisionAt: Date? = nil,
        spend: [SpendBucket] = [],
        replicaHistory: [TimedRecommendation] = []
    ) {
        self.lastDesired = lastDesired
        self.recommendations = recommendations
        self.consecutiveFailures = consecutiveFailures
        self.idleSince = idleSince
        self.observingSince = observingSince
        self.lastDecisionAt = lastDecisionAt
        self.spend = spend
        self.replicaHistory = replicaHistory
    }
}
