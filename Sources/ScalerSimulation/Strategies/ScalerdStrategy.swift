import Foundation
import ScalerCore

/// scalerd itself: the very `Autoscaler.decide` the daemon runs, at the configured tick, fed
/// samples as a metric source would report them.
public struct ScalerdStrategy: ScalingStrategy {
    public let name: String
    public let policy: ScalingPolicy
    public let interval: Double
    /// The wall-clock instant the trace starts at: schedules and budgets see time of day from it.
    public let epoch: Date
    /// Where each decision goes, when asked for.
    public let log: DecisionLog?
    private var state = ScalerState()

    /// 2001-01-01 00:00 UTC, a Monday: the epoch when none is given.
    public static let defaultEpoch = Date(timeIntervalSinceReferenceDate: 0)

    public init(name: String = "scalerd", policy: ScalingPolicy, tick: Double, epoch: Date = defaultEpoch, log: DecisionLog? = nil) {
        self.name = name
        self.policy = policy
        interval = tick
        self.epoch = epoch
        self.log = log
    }

    public var initialReplicas: Int { policy.minReplicas }

    public var summary: String {
        let unit = policy.type == .queue ? "s queue delay" : " concurrent per worker"
        let idle = policy.adaptiveIdle.map { "adaptive idle timeout \(CompactNumber.text($0.minimum))-\(CompactNumber.text($0.maximum))s" }
            ?? "idle_timeout \(CompactNumber.text(policy.idleTimeout))s"
        let options = [policy.lookAhead.map { _ in "look_ahead" }, policy.burst.map { _ in "burst" }].compactMap { $0 }
        return "\(policy.type.rawValue) \(CompactNumber.text(policy.value))\(unit), replicas \(policy.minReplicas)-\(policy.maxReplicas), \(idle), scale_down window \(CompactNumber.text(policy.scaleDown.stabilization))s, tick \(CompactNumber.text(interval))s"
            + options.map { ", \($0)" }.joined()
    }

    public mutating func desiredReplicas(_ view: ClusterView) -> Int {
        decide(view).desiredReplicas
    }

    /// The whole decision, for a caller that pushes more than the count (the provider's settings).
    public mutating func decide(_ view: ClusterView) -> Decision {
        // A fixed epoch, never the wall clock: the same run gives the same decisions.
        let now = epoch.addingTimeInterval(view.time)
        let sample = MetricSample(
            takenAt: now, queueDelay: view.oldestWait, queued: view.queued,
            inFlight: view.inFlight, readyWorkers: view.readyWorkers
        )
        let decision = Autoscaler.decide(
            state: state, observation: Observation(metrics: .sample(sample), currentReplicas: view.replicas),
            policy: policy, now: now
        )
        state = decision.nextState
        log?.record(decision, seen: view)
        return decision
    }
}
