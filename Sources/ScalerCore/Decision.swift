import Foundation

public enum ScalingAction: String, Sendable, Codable, CaseIterable {
    case hold
    case scaleUp = "scale_up"
    case scaleDown = "scale_down"
}

/// The stage of the pipeline that moved the value.
public enum ClampKind: String, Sendable, Codable, CaseIterable {
    /// A recommendation within `tolerance` of the current count.
    case tolerance
    case idleTimeout = "idle_timeout"
    case stabilization
    case stepLimit = "step_limit"
    /// `max_percent` per `period`.
    case rateLimit = "rate_limit"
    case minReplicas = "min_replicas"
    case maxReplicas = "max_replicas"
    case fallback
    /// `max_spend_per_hour` / `max_spend_per_day`.
    case budget
    /// A schedule window's `min_replicas` / `max_replicas`.
    case schedule
    /// A burst: up at once, no scale-down until it has passed.
    case burst
    /// The cold-start backlog left to starting workers, or the load one cold start ahead.
    case lookAhead = "look_ahead"
    /// Warm capacity for the rise in load the history shows can come within one cold start.
    case headroom
    /// The headroom moved by the measured share of requests over the SLO's wait.
    case sloFeedback = "slo_feedback"
    /// Under an SLO, a worker kept for one cold start after the load stops needing it.
    case release
}

/// One clamp that changed the value, with its effect.
public struct Clamp: Sendable, Hashable, Codable {
    public var kind: ClampKind
    public var before: Int
    public var after: Int
    public var detail: String

    public init(kind: ClampKind, before: Int, after: Int, detail: String) {
        self.kind = kind
        self.before = before
        self.after = after
        self.detail = detail
    }
}

/// Whether the decision could use its metrics.
public enum MetricStatus: String, Sendable, Codable, CaseIterable {
    case fresh
    case missing
    case stale
    case invalid
}

/// The result of one evaluation, with everything needed to explain it later.
public struct Decision: Sendable, Hashable {
    public var at: Date
    public var currentReplicas: Int
    public var metricStatus: MetricStatus
    /// Seconds between the sample and the decision, when there was a sample.
    public var metricAge: Double?
    /// What the load alone asks for, before any clamp; `nil` when metrics were unusable.
    public var rawRecommendation: Int?
    public var clamps: [Clamp]
    public var desiredReplicas: Int
    public var action: ScalingAction
    public var reason: String
    /// The state to hand to the next decision for this endpoint.
    public var nextState: ScalerState
    /// The most replicas allowed now (`max_replicas`, lowered by an open schedule or a binding
    /// budget): pushed as the provider's maximum, so that its own scaler cannot exceed it either.
    public var ceiling: Int?

    public init(
        at: Date, currentReplicas: Int, metricStatus: MetricStatus, metricAge: Double?, rawRecommendation: Int?,
        clamps: [Clamp], desiredReplicas: Int, action: ScalingAction, reason: String, nextState: ScalerState,
        ceiling: Int? = nil
    ) {
        self.at = at
        self.currentReplicas = currentReplicas
        self.metricStatus = metricStatus
        self.metricAge = metricAge
        self.rawRecommendation = rawRecommendation
        self.clamps = clamps
        self.desiredReplicas = desiredReplicas
        self.action = action
        self.reason = reason
        self.nextState = nextState
        self.ceiling = ceiling
    }
}
