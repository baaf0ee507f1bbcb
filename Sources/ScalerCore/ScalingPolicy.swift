import Foundation

/// The two policy types the providers themselves offer.
public enum PolicyType: String, Sendable, Codable, CaseIterable {
    /// Keep queue delay at or under `value` seconds.
    case queue
    /// `value` concurrent requests (in flight + queued) per worker.
    case concurrency
}

/// How fast replicas may move in one direction.
public struct DirectionBehavior: Sendable, Hashable, Codable {
    /// Seconds of recommendations considered before moving in this direction.
    public var stabilization: TimeInterval
    /// Most replicas added or removed by one decision; `nil` is unlimited.
    public var maxStep: Int?
    /// Most change, in percent of the count at the start of `period`, within any `period`
    /// (the HPA's `behavior` policies); `nil` is unlimited.
    public var maxPercent: Double?
    /// The window of `maxPercent`; `nil` means the default, 60 s.
    public var period: TimeInterval?

    public init(stabilization: TimeInterval, maxStep: Int? = nil, maxPercent: Double? = nil, period: TimeInterval? = nil) {
        self.stabilization = stabilization
        self.maxStep = maxStep
        self.maxPercent = maxPercent
        self.period = period
    }

    public static let defaultPeriod: TimeInterval = 60
    var ratePeriod: TimeInterval { maxPercent == nil ? 0 : period ?? Self.defaultPeriod }
}

/// What to do after consecutive metric failures.
public struct FallbackPolicy: Sendable, Hashable, Codable {
    public var afterFailures: Int
    /// Replicas to keep at least once `afterFailures` is reached; `nil` holds the current count.
    public var replicas: Int?

    public init(afterFailures: Int, replicas: Int? = nil) {
        self.afterFailures = afterFailures
        self.replicas = replicas
    }
}

/// One endpoint's scaling policy, validated by the config layer before it reaches here.
public struct ScalingPolicy: Sendable, Hashable, Codable {
    public var type: PolicyType
    public var value: Double
    public var minReplicas: Int
    public var maxReplicas: Int
    public var idleTimeout: TimeInterval
    /// The provider's own per-worker idle timeout, which scalerd pushes: how long the provider
    /// keeps a worker its scaler added above scalerd's floor once it is idle. `nil` pushes
    /// `idleTimeout`. Not part of any decision.
    public var providerIdleTimeout: TimeInterval?
    public var maxConcurrentPerWorker: Int
    /// Whether the decision is pushed as the floor or as the whole fleet. Not part of any
    /// decision: it says what the provider runs around it.
    public var control: ControlMode
    public var scaleUp: DirectionBehavior
    public var scaleDown: DirectionBehavior
    public var fallback: FallbackPolicy?
    /// A metric sample older than this counts as missing.
    public var maxMetricAge: TimeInterval
    public var budget: SpendBudget?
    /// A recommendation within this fraction of the current count is not acted on (the HPA's
    /// tolerance band); `nil` is none.
    public var tolerance: Double?
    /// Time windows that raise the minimum or lower the maximum; `nil` is none.
    public var schedules: [ScheduleWindow]?
    /// Scale up at once and hold on a burst; `nil` is off.
    public var burst: BurstPolicy?
    /// Size scale-ups for the load one cold start ahead; `nil` is off.
    public var lookAhead: LookAheadPolicy?
    /// Learn the idle timeout from the endpoint's idle gaps; `nil` uses `idleTimeout` as is.
    public var adaptiveIdle: AdaptiveIdlePolicy?
    /// State the objective and let scalerd choose its warm headroom and release timing; `nil`
    /// leaves them to the knobs above.
    public var slo: ServiceLevelObjective?

    public init(
        type: PolicyType,
        value: Double,
        minReplicas: Int = 0,
        maxReplicas: Int,
        idleTimeout: TimeInterval = 300,
        providerIdleTimeout: TimeInterval? = nil,
        maxConcurrentPerWorker: Int = 1,
        control: ControlMode = defaultControl,
        scaleUp: DirectionBehavior = DirectionBehavior(stabilization: 0),
        scaleDown: DirectionBehavior = DirectionBehavior(stabilization: 300),
        fallback: FallbackPolicy? = nil,
        maxMetricAge: TimeInterval = 30,
        budget: SpendBudget? = nil,
        tolerance: Double? = nil,
        schedules: [ScheduleWindow]? = nil,
        burst: BurstPolicy? = nil,
        lookAhead: LookAheadPolicy? = nil,
        adaptiveIdle: AdaptiveIdlePolicy? = nil,
        slo: ServiceLevelObjective? = nil
    ) {
        self.type = type
        self.value = value
        self.minReplicas = minReplicas
        self.maxReplicas = maxReplicas
        self.idleTimeout = idleTimeout
        self.providerIdleTimeout = providerIdleTimeout
        self.maxConcurrentPerWorker = maxConcurrentPerWorker
        self.control = control
        self.scaleUp = scaleUp
        self.scaleDown = scaleDown
        self.fallback = fallback
        self.maxMetricAge = maxMetricAge
        self.budget = budget
        self.tolerance = tolerance
        self.schedules = schedules
        self.burst = burst
        self.lookAhead = lookAhead
        self.adaptiveIdle = adaptiveIdle
        self.slo = slo
    }

    /// Where the provider has a scaler of its own; chosen from the simulator's figures
    /// (docs/policies.md, "Control mode").
    public static let defaultControl = ControlMode.floor

    /// The longest window any decision needs to remember.
    var historyWindow: TimeInterval {
        max(
            scaleUp.stabilization, slo == nil ? scaleDown.stabilization : ServiceLevelObjective.longestRelease,
            burst?.window ?? 0, lookAhead?.window ?? 0
        )
    }
    /// The longest period a rate limit looks back over.
    var ratePeriod: TimeInterval { max(scaleUp.ratePeriod, scaleDown.ratePeriod) }
}
