import Foundation

extension Autoscaler {
    /// Keeps warm capacity for the rise in load that the rise history shows can come before a
    /// worker asked for now is ready, in two clamps: `headroom` as learned, then `slo_feedback`
    /// once the measured share has scaled it. The rise is counted from the lowest load within
    /// that reach, as it was learned. Only ever raises the load's own recommendation.
    static func applyHeadroom(
        _ pipeline: inout ClampPipeline, learned: ServiceLevelState, step: ServiceLevelStep?,
        slo: ServiceLevelObjective, coldStart: (seconds: Double, measured: Bool), policy: ScalingPolicy, now: Date
    ) {
        guard let base = learned.base else { return }
        let slots = policy.type == .concurrency ? min(policy.value, Double(policy.maxConcurrentPerWorker)) : Double(policy.maxConcurrentPerWorker)
        // A rise past the warm slots queues until a worker asked for now is ready, one reach
        // later. A load L past N workers' slots grows the queue by (L - N x slots) / S a second
        // while they finish N x slots / S: by the time help is ready the newest has waited
        // (L - N x slots) x reach / (N x slots). Within `wait`, each worker carries slots x wait /
        // reach on top of its slots, whatever the service time S. (Not wait / S: that holds for
        // a queue that lasts one service time, and a burst lasts longer.)
        let untilReady = ServiceLevelObjective.reach(coldStart: coldStart.seconds, tick: learned.sampleInterval)
        let perWorker = slots * slo.carriedPerSlot(reach: untilReady)
        let drained = perWorker - slots
        let learnedFor = learned.learnedFor(at: now)
        // Until a window of history exists, at least one worker's slots: a new endpoint has not
        // shown its bursts yet.
        let prior = learnedFor < slo.window ? slots : 0
        let loadFirst = pipeline.value
        let (young, near) = learned.uncertainty(overTarget: slo.overTarget)
        let budgeted = learned.budgetedHeadroom(slo, reach: untilReady)
        let largest = budgeted?.headroom ?? learned.headroom(overTarget: slo.overTarget, scale: 1) ?? 0
        let rise = max(largest * young, prior)
        // The prior is what a new endpoint keeps warm, whatever little load it has shown yet.
        let level = max(learned.covered(base: base, headroom: rise, scale: young), base + prior)
        let needed = LoadRecommendation.ceilDiv(level, perWorker)
        let reach = "one \(coldStart.measured ? "measured" : "assumed") cold start (\(Seconds(coldStart.seconds))) and a tick"
        let history = "the last \(DurationText.compact(min(learnedFor, slo.riseHistory).rounded(.down)))"
        let carried = "\(format(perWorker)) per worker (\(format(slots)) slots + \(format(drained)) queued within \(Seconds(slo.wait)) until a worker asked now is ready)"
        if needed > pipeline.value {
            let why = rise == prior && prior > 0
                ? "too little history yet (\(history)): one worker's \(format(slots)) slots"
                : "in \(history) the load rose by up to \(format(budgeted?.largest ?? largest)) requests within \(reach)"
                    + (budgeted.map { Self.budget($0, slo: slo) } ?? ", in all but \(percent(slo.overTarget)) of \(DurationText.compact(slo.span)) spans")
                    + (young > 1 ? "; x\(format(young)) since \(near) rise(s) came near it and the next may be larger" : "")
            pipeline.apply(.headroom, needed, "\(format(base)) requests + \(format(rise)) of headroom\(capped(level, base + rise)) at \(carried): \(why)")
        }

        guard learned.scale != 1 || step != nil else { return }
        let scaled = max(rise * learned.scale, prior)
        let scaledLevel = max(learned.covered(base: base, headroom: scaled, scale: learned.scale * young), base + prior)
        let scaledNeed = max(loadFirst, LoadRecommendation.ceilDiv(scaledLevel, perWorker))
        let share = learned.measuredShare(slo).map { "\(percent($0)) of load-weighted time in the last \(DurationText.compact(slo.window)) waited longer than \(Seconds(slo.wait))" }
            ?? "no measured window yet"
        let moved = step.map { $0.direction == .tightened ? ", raised now" : ", lowered now" } ?? ""
        pipeline.apply(.sloFeedback, scaledNeed, "\(share) against an SLO of \(percent(slo.overTarget)): headroom x\(format(learned.scale))\(moved), \(format(scaled)) requests\(capped(scaledLevel, base + scaled))")
    }

    /// Ski rental: a worker the load no longer needs is kept for one cold start, since one needed
    /// again within that costs more to start again than to keep. Replaces `idle_timeout` and the
    /// scale-down window; scaling to zero still needs fresh proof that nothing is queued or running.
    static func applyRelease(
        _ pipeline: inout ClampPipeline, current: Int, history: [TimedRecommendation], idle: IdleEvidence, idleSince: Date?,
        observingSince: Date, coldStart: (seconds: Double, measured: Bool), now: Date
    ) {
        let value = pipeline.value
        guard value < current else { return }
        let keep = min(coldStart.seconds, ServiceLevelObjective.longestRelease)
        let source = "one \(coldStart.measured ? "measured" : "assumed") cold start (\(Seconds(keep)))"
        let seen = now.timeIntervalSince(observingSince)
        if seen < keep {
            pipeline.apply(.release, current, "only \(Seconds(seen)) of metrics seen since start, releasing needs \(source) of them")
            return
        }
        let window = now.addingTimeInterval(-keep)
        let highest = history.filter { $0.at >= window }.map(\.replicas).max() ?? value
        let kept = min(highest, current)
        if kept > value {
            pipeline.apply(.release, kept, "\(kept) needed within \(source): cheaper to keep than to start again")
            return
        }
        guard value == 0 else { return }
        guard idle.provesIdle, let idleSince else {
            pipeline.apply(.release, 1, "no proof of idleness (\(idle.gap)): keeping one worker")
            return
        }
        let idleFor = now.timeIntervalSince(idleSince)
        if idleFor < keep {
            pipeline.apply(.release, 1, "idle for \(Seconds(idleFor)) of \(source): cheaper to keep than to start again")
        }
    }

    /// What the SLO's budget left uncovered, or why it left nothing.
    private static func budget(_ budgeted: BudgetedHeadroom, slo: ServiceLevelObjective) -> String {
        let spent = budgeted.spent > 0 ? " less the \(percent(budgeted.spent)) this window spent" : ""
        guard budgeted.headroom < budgeted.largest else {
            return budgeted.spent >= slo.overTarget
                ? "; all of it covered: this window already spent the SLO's \(percent(slo.overTarget))"
                : "; all of it covered: leaving any uncovered would spend more than the SLO's \(percent(slo.overTarget))\(spent)"
        }
        return "; \(format(budgeted.headroom)) of it covered: the larger rises would have kept \(percent(budgeted.uncovered)) of a window's load-weighted time over target, within the SLO's \(percent(slo.overTarget))\(spent)"
    }

    /// Said when the level was held to the highest load of the history.
    private static func capped(_ level: Double, _ asked: Double) -> String {
        level < asked ? " (held to \(format(level)), the highest load in the history)" : ""
    }

    /// To a tenth, without trailing zeros: `60`, `1.3`.
    private static func format(_ value: Double) -> String {
        let tenths = (value * 10).rounded() / 10
        guard abs(tenths) < 1e15 else { return "\(tenths)" }
        return tenths == tenths.rounded() ? "\(Int(tenths))" : "\(tenths)"
    }

    private static func percent(_ share: Double) -> String {
        format(share * 100) + "%"
    }
}
