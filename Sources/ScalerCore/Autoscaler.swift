import Foundation

/// The decision function: pure and deterministic, so the daemon, the simulator and journal replays
/// all get the same answer from the same inputs.
public enum Autoscaler {
    public static func decide(
        state: ScalerState,
        observation: Observation,
        policy: ScalingPolicy,
        now: Date
    ) -> Decision {
        let read = observation.currentReplicas.flatMap { Observation.plausibleReplicas.contains($0) ? $0 : nil }
        let current = read ?? state.lastDesired ?? policy.minReplicas
        var pipeline = ClampPipeline(value: current)
        var next = state
        let assessment = MetricAssessment(observation: observation, policy: policy, now: now)
        let headline: String
        let raw: Int?

        switch assessment.verdict {
        case .unusable(let why):
            next.consecutiveFailures += 1
            next.idleSince = nil
            raw = nil
            headline = "metrics \(assessment.status.rawValue) (\(why)); \(next.consecutiveFailures) failure(s) in a row, never scaling down on them"
            if let fallback = policy.fallback, next.consecutiveFailures >= fallback.afterFailures,
               let floor = fallback.replicas, floor > pipeline.value {
                pipeline.apply(.fallback, floor, "\(next.consecutiveFailures) consecutive metric failures reached fallback.after_failures=\(fallback.afterFailures): at least \(floor)")
            }

        case .usable(let sample):
            let shaped = shape(sample: sample, state: state, next: &next, policy: policy, current: current, now: now)
            (pipeline, raw, headline) = (shaped.pipeline, shaped.raw, shaped.headline)
        }

        var ceiling = policy.maxReplicas
        if let budget = policy.budget {
            next.spend = SpendLedger.charge(state.spend, replicas: current, from: state.lastDecisionAt, to: now, price: budget.pricePerWorkerHour)
            let spent = next.spend.reduce(0) { $0 + $1.dollars }
            if let (cap, why) = budget.cap(spentLastDay: spent) {
                ceiling = min(ceiling, cap)
                if pipeline.value > cap {
                    let floor = max(cap, policy.minReplicas)
                    pipeline.apply(.budget, floor, floor > cap ? "\(why); min_replicas=\(policy.minReplicas) still holds" : why)
                }
            }
        }
        next.lastDecisionAt = now
        let scheduled = ScheduledBounds(policy: policy, at: now)
        if let floor = scheduled.minimum, pipeline.value < floor.replicas {
            pipeline.apply(.schedule, floor.replicas, floor.why)
        }
        if let scheduledMaximum = scheduled.maximum {
            ceiling = min(ceiling, scheduledMaximum.replicas)
            if pipeline.value > scheduledMaximum.replicas {
                pipeline.apply(.schedule, scheduledMaximum.replicas, scheduledMaximum.why)
            }
        }
        if pipeline.value < policy.minReplicas {
            pipeline.apply(.minReplicas, policy.minReplicas, "min_replicas=\(policy.minReplicas)")
        }
        if pipeline.value > policy.maxReplicas {
            pipeline.apply(.maxReplicas, policy.maxReplicas, "max_replicas=\(policy.maxReplicas)")
        }

        let desired = pipeline.value
        next.lastDesired = desired
        next.coldStart.asked(desired, at: now)
        if policy.ratePeriod > 0 {
            let horizon = now.addingTimeInterval(-policy.ratePeriod)
            next.replicaHistory = state.replicaHistory.filter { $0.at > horizon && $0.at <= now }
                + [TimedRecommendation(at: now, replicas: current), TimedRecommendation(at: now, replicas: desired)]
        }
        let action: ScalingAction = desired > current ? .scaleUp : desired < current ? .scaleDown : .hold
        return Decision(
            at: now,
            currentReplicas: current,
            metricStatus: assessment.status,
            metricAge: assessment.age,
            rawRecommendation: raw,
            clamps: pipeline.clamps,
            desiredReplicas: desired,
            action: action,
            reason: reason(action: action, current: current, desired: desired, headline: headline, clamps: pipeline.clamps),
            nextState: next,
            ceiling: max(desired, min(ceiling, policy.maxReplicas))
        )
    }

    /// A worker is released only after `idle_timeout` (or the adaptive one) of fresh proof that
    /// nothing is queued or running. Returns, when an adaptive timeout lets the worker go, why.
    static func applyIdleTimeout(
        _ pipeline: inout ClampPipeline, current: Int, idle: IdleEvidence,
        idleSince: Date?, gaps: [Double], policy: ScalingPolicy, now: Date
    ) -> String? {
        guard pipeline.value == 0, current > 0 else { return nil }
        guard idle.provesIdle, let idleSince else {
            pipeline.apply(.idleTimeout, 1, "no proof of idleness (\(idle.gap)): keeping one worker")
            return nil
        }
        let idleFor = now.timeIntervalSince(idleSince)
        if let (timeout, why) = policy.adaptiveIdle?.timeout(gaps: gaps) {
            if idleFor < timeout {
                pipeline.apply(.idleTimeout, 1, "idle for \(Seconds(idleFor)) of the \(why)")
                return nil
            }
            return "idle for \(Seconds(idleFor)), past the \(why)"
        }
        if idleFor < policy.idleTimeout {
            pipeline.apply(.idleTimeout, 1, "idle for \(Seconds(idleFor)) of idle_timeout \(Seconds(policy.idleTimeout))")
        }
        return nil
    }

    static func remember(
        _ replicas: Int, at now: Date, in history: [TimedRecommendation], policy: ScalingPolicy
    ) -> [TimedRecommendation] {
        let horizon = now.addingTimeInterval(-policy.historyWindow)
        var kept: [TimedRecommendation] = []
        kept.reserveCapacity(history.count + 1)
        for item in history where item.at >= horizon && item.at <= now { kept.append(item) }
        // Where the window is only asked for its lowest and highest (no burst average, no trend
        // fit), a recommendation equal to the one before moves that one's time rather than adding
        // one: the same answer for every window, from a few runs instead of an entry per tick,
        // which at a 1 s tick and a 5-minute window was most of the daemon's memory.
        if policy.burst == nil, policy.lookAhead == nil, let last = kept.last, last.replicas == replicas {
            kept[kept.count - 1].at = now
        } else {
            kept.append(TimedRecommendation(at: now, replicas: replicas))
        }
        return kept
    }

    /// Up takes the lowest recommendation of its window, down the highest of its: a burst that lasts
    /// one tick neither adds workers (with an up window) nor lets them go early.
    static func applyStabilization(
        _ pipeline: inout ClampPipeline, current: Int, history: [TimedRecommendation],
        observingSince: Date, policy: ScalingPolicy, scaleDown: Bool = true, now: Date
    ) {
        let value = pipeline.value
        if value > current {
            guard policy.scaleUp.stabilization > 0 else { return }
            let window = now.addingTimeInterval(-policy.scaleUp.stabilization)
            let lowest = history.filter { $0.at >= window }.map(\.replicas).min() ?? value
            let allowed = max(lowest, current)
            if allowed < value {
                pipeline.apply(.stabilization, allowed, "lowest recommendation in the \(Seconds(policy.scaleUp.stabilization)) scale-up window is \(lowest)")
            }
        } else if value < current, scaleDown {
            let seen = now.timeIntervalSince(observingSince)
            if seen < policy.scaleDown.stabilization {
                pipeline.apply(.stabilization, current, "only \(Seconds(seen)) of metrics seen since start, scale-down needs a full \(Seconds(policy.scaleDown.stabilization)) window")
                return
            }
            let window = now.addingTimeInterval(-policy.scaleDown.stabilization)
            let highest = history.filter { $0.at >= window }.map(\.replicas).max() ?? value
            let allowed = min(highest, current)
            if allowed > value {
                pipeline.apply(.stabilization, allowed, "highest recommendation in the \(Seconds(policy.scaleDown.stabilization)) scale-down window is \(highest)")
            }
        }
    }

    static func applyStepLimit(_ pipeline: inout ClampPipeline, current: Int, policy: ScalingPolicy) {
        let value = pipeline.value
        if value > current, let step = policy.scaleUp.maxStep, value - current > step {
            pipeline.apply(.stepLimit, current + step, "scale_up.max_step=\(step)")
        } else if value < current, let step = policy.scaleDown.maxStep, current - value > step {
            pipeline.apply(.stepLimit, current - step, "scale_down.max_step=\(step)")
        }
    }

    /// Small moves around the target are noise: the HPA's tolerance band. Never keeps a worker
    /// that the load does not need at all, so that scale to zero is the idle timeout's alone.
    static func applyTolerance(_ pipeline: inout ClampPipeline, current: Int, policy: ScalingPolicy) {
        guard let tolerance = policy.tolerance, current > 0, pipeline.value > 0, pipeline.value != current else { return }
        let change = Double(abs(pipeline.value - current)) / Double(current)
        if change <= tolerance {
            pipeline.apply(.tolerance, current, "\(pipeline.value) is within tolerance \(Int((tolerance * 100).rounded()))% of \(current)")
        }
    }

    /// At most `max_percent` of the count at the start of the period, in each direction; from
    /// zero, one worker.
    static func applyRateLimit(
        _ pipeline: inout ClampPipeline, current: Int, history: [TimedRecommendation], policy: ScalingPolicy, now: Date
    ) {
        let value = pipeline.value
        let up = value > current
        let behavior = up ? policy.scaleUp : policy.scaleDown
        guard value != current, let percent = behavior.maxPercent else { return }
        let horizon = now.addingTimeInterval(-behavior.ratePeriod)
        let inPeriod = history.filter { $0.at > horizon }.map(\.replicas) + [current]
        if up {
            let base = inPeriod.min() ?? current
            let limit = max(base + 1, Int((Double(base) * (1 + percent / 100)).rounded(.up)))
            if value > limit {
                pipeline.apply(.rateLimit, max(limit, current), "scale_up.max_percent=\(LoadRecommendation.format(percent)) per \(Seconds(behavior.ratePeriod)) from \(base)")
            }
        } else {
            let base = inPeriod.max() ?? current
            let limit = min(base - 1, Int((Double(base) * (1 - percent / 100)).rounded(.down)))
            if value < limit {
                pipeline.apply(.rateLimit, min(max(limit, 0), current), "scale_down.max_percent=\(LoadRecommendation.format(percent)) per \(Seconds(behavior.ratePeriod)) from \(base)")
            }
        }
    }

    static func reason(action: ScalingAction, current: Int, desired: Int, headline: String, clamps: [Clamp]) -> String {
        let verdict: String
        switch action {
        case .hold: verdict = "hold at \(current)"
        case .scaleUp: verdict = "scale up \(current) -> \(desired)"
        case .scaleDown: verdict = desired == 0 ? "scale down \(current) -> 0 (idle)" : "scale down \(current) -> \(desired)"
        }
        guard !clamps.isEmpty else { return "\(verdict): \(headline)" }
        let limits = clamps.map { "\($0.kind.rawValue) \($0.before)->\($0.after): \($0.detail)" }.joined(separator: "; ")
        return "\(verdict): \(headline); \(limits)"
    }
}

/// Accumulates the value through the clamps, remembering each one that moved it.
struct ClampPipeline {
    private(set) var value: Int
    private(set) var clamps: [Clamp] = []

    init(value: Int) {
        self.value = value
    }

    mutating func apply(_ kind: ClampKind, _ newValue: Int, _ detail: String) {
        guard newValue != value else { return }
        clamps.append(Clamp(kind: kind, before: value, after: newValue, detail: detail))
        value = newValue
    }
}

/// Formats seconds compactly for reasons: `300s`, `2.5s`.
struct Seconds: CustomStringConvertible {
    let value: Double

    init(_ value: Double) {
        self.value = value
    }

    var description: String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? "\(Int(rounded))s" : "\(rounded)s"
    }
}
