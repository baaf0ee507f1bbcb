import Foundation

extension Autoscaler {
    /// The stages that need a usable sample: the load's recommendation, then look-ahead,
    /// tolerance, idle timeout, stabilization, burst, step and rate limits. Returns the pipeline,
    /// the raw recommendation and the decision's headline.
    static func shape(
        sample: MetricSample, state: ScalerState, next: inout ScalerState, policy: ScalingPolicy, current: Int, now: Date
    ) -> (pipeline: ClampPipeline, raw: Int, headline: String) {
        next.consecutiveFailures = 0
        next.observingSince = state.observingSince ?? now
        let idle = IdleEvidence(sample: sample)
        next.idleSince = idle.provesIdle ? (state.idleSince ?? sample.takenAt) : nil
        if let since = state.idleSince, next.idleSince == nil {
            next.idleGaps = Array((state.idleGaps + [now.timeIntervalSince(since)]).suffix(AdaptiveIdlePolicy.gapsRemembered))
        }
        next.coldStart.observe(ready: sample.readyWorkers, at: now)
        let recommendation = LoadRecommendation(sample: sample, policy: policy, current: current)
        var pipeline = ClampPipeline(value: recommendation.replicas)
        var steady: Int?
        let trusted = policy.slo != nil
        if let lookAhead = policy.lookAhead {
            learnQueue(&next, sample: sample, previous: state.lastSample, lookAhead: lookAhead, trusted: trusted, now: now)
            if let serviceTime = next.serviceTime {
                steady = applyLookAhead(&pipeline, sample: sample, state: next, serviceTime: serviceTime, lookAhead: lookAhead, policy: policy, current: current, now: now)
            }
        }

        let coldStart = next.coldStart.estimate.map { (seconds: $0, measured: true) }
            ?? (seconds: policy.slo?.assumedColdStart ?? ServiceLevelObjective.defaultColdStart, measured: false)
        if let slo = policy.slo {
            if policy.lookAhead == nil {
                learnServiceTime(&next, sample: sample, previous: state.lastSample, trusted: trusted)
            }
            var learned = state.serviceLevel ?? ServiceLevelState()
            let step = learnLoad(&learned, sample: sample, state: state, next: next, slo: slo, coldStart: coldStart.seconds, now: now)
            next.serviceLevel = learned
            applyHeadroom(&pipeline, learned: learned, step: step, slo: slo, coldStart: coldStart, policy: policy, now: now)
        }

        // The window remembers what the load asked for; the idle timeout alone decides the last
        // step to zero, so that it is not idle_timeout plus a window.
        next.recommendations = remember(min(pipeline.value, steady ?? pipeline.value), at: now, in: state.recommendations, policy: policy)
        applyTolerance(&pipeline, current: current, policy: policy)
        var release: String?
        if policy.slo != nil {
            applyRelease(&pipeline, current: current, history: next.recommendations, idle: idle, idleSince: next.idleSince,
                         observingSince: next.observingSince ?? now, coldStart: coldStart, now: now)
        } else {
            release = applyIdleTimeout(&pipeline, current: current, idle: idle, idleSince: next.idleSince, gaps: next.idleGaps, policy: policy, now: now)
        }
        let unstabilized = pipeline.value
        // A learned idle timeout is opted into to release early: the window's memory of the
        // last busy minutes does not hold the workers past it. A fixed one waits for both. Under
        // an SLO the release clamp has already chosen when to let workers go.
        if release == nil {
            applyStabilization(&pipeline, current: current, history: next.recommendations, observingSince: next.observingSince ?? now,
                               policy: policy, scaleDown: policy.slo == nil, now: now)
        }
        if let burst = policy.burst {
            applyBurst(&pipeline, burstSeenAt: &next.burstSeenAt, history: next.recommendations, unstabilized: unstabilized,
                       current: current, ready: sample.readyWorkers ?? current, burst: burst, now: now)
        }
        // While workers start, recommendations rise with the backlog of the cold start itself.
        if let lookAhead = policy.lookAhead, next.serviceTime == nil, next.coldStart.startingWorkers == 0 {
            applyTrend(&pipeline, history: next.recommendations, coldStart: next.coldStart, lookAhead: lookAhead, now: now)
        }
        applyStepLimit(&pipeline, current: current, policy: policy)
        applyRateLimit(&pipeline, current: current, history: state.replicaHistory, policy: policy, now: now)
        let headline = recommendation.explanation + (release.map { "; \($0)" } ?? "")
        return (pipeline, recommendation.replicas, headline)
    }
}
