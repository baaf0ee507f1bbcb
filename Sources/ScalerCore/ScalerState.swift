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

/// An arrival rate at one instant.
public struct TimedRate: Sendable, Hashable, Codable {
    public var at: Date
    public var perSecond: Double

    public init(at: Date, perSecond: Double) {
        self.at = at
        self.perSecond = perSecond
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
    /// The last tick whose short-window load was a burst.
    public var burstSeenAt: Date?
    /// Workers starting and the cold starts measured so far.
    public var coldStart: ColdStartTracker
    /// The latest idle gaps in seconds, oldest first, for the adaptive idle timeout.
    public var idleGaps: [Double]
    /// The previous fresh sample, for how fast the queue is draining.
    public var lastSample: MetricSample?
    /// The latest service times seen in busy stretches, oldest first.
    public var serviceTimes: [Double]
    /// Recent arrival rates (requests per second), for the look-ahead's trend.
    public var arrivalRates: [TimedRate]
    /// What the service-level policy has learned; `nil` until a policy with `slo` has decided.
    public var serviceLevel: ServiceLevelState?

    public init(
        lastDesired: Int? = nil,
        recommendations: [TimedRecommendation] = [],
        consecutiveFailures: Int = 0,
        idleSince: Date? = nil,
        observingSince: Date? = nil,
        lastDecisionAt: Date? = nil,
        spend: [SpendBucket] = [],
        replicaHistory: [TimedRecommendation] = [],
        burstSeenAt: Date? = nil,
        coldStart: ColdStartTracker = ColdStartTracker(),
        idleGaps: [Double] = [],
        lastSample: MetricSample? = nil,
        serviceTimes: [Double] = [],
        arrivalRates: [TimedRate] = [],
        serviceLevel: ServiceLevelState? = nil
    ) {
        self.lastDesired = lastDesired
        self.recommendations = recommendations
        self.consecutiveFailures = consecutiveFailures
        self.idleSince = idleSince
        self.observingSince = observingSince
        self.lastDecisionAt = lastDecisionAt
        self.spend = spend
        self.replicaHistory = replicaHistory
        self.burstSeenAt = burstSeenAt
        self.coldStart = coldStart
        self.idleGaps = idleGaps
        self.lastSample = lastSample
        self.serviceTimes = serviceTimes
        self.arrivalRates = arrivalRates
        self.serviceLevel = serviceLevel
    }
}

extension ScalerState {
    /// One request's service time: the median of those seen, since one odd interval (a stuck
    /// worker, a burst between samples) can be wildly off; `nil` until one is seen.
    public var serviceTime: Double? { QueueModel.median(serviceTimes) }
}
