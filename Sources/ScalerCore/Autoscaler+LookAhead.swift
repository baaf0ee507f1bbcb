import Foundation

extension Autoscaler {
    /// Keeps what the look-ahead learns from each fresh sample: the service time and the recent
    /// arrival rates.
    static func learnQueue(
        _ state: inout ScalerState, sample: MetricSample, previous: MetricSample?, lookAhead: LookAheadPolicy, trusted: Bool, now: Date
    ) {
        learnServiceTime(&state, sample: sample, previous: previous, trusted: trusted)
        let horizon = now.addingTimeInterval(-lookAhead.window)
        state.arrivalRates.removeAll { $0.at < horizon || $0.at > now }
        if let serviceTime = state.serviceTime, let rate = QueueModel.arrivalRate(sample, serviceTime: serviceTime) {
            state.arrivalRates.append(TimedRate(at: now, perSecond: rate))
        }
    }

    static func learnServiceTime(_ state: inout ScalerState, sample: MetricSample, previous: MetricSample?, trusted: Bool) {
        if let previous, let observed = QueueModel.serviceTime(previous: previous, sample: sample, trusted: trusted) {
            state.serviceTimes = Array((state.serviceTimes + [observed]).suffix(QueueModel.remembered))
        }
        state.lastSample = sample
    }

    /// Sizes a scale-up for the moment a worker asked for now would be ready: enough workers for
    /// the arrival rate one cold start ahead (along its trend), plus enough to drain, within one
    /// more cold start, the backlog the ready and starting workers will not have served by then.
    /// Never below the current count: it shapes scale-ups only. Returns the workers the arrivals
    /// alone need: the drain workers are not load for the scale-down window to keep.
    @discardableResult
    static func applyLookAhead(
        _ pipeline: inout ClampPipeline, sample: MetricSample, state: ScalerState, serviceTime: Double,
        lookAhead: LookAheadPolicy, policy: ScalingPolicy, current: Int, now: Date
    ) -> Int? {
        guard pipeline.value > current, let rateNow = state.arrivalRates.last, rateNow.at == now else { return nil }
        let coldStart = state.coldStart.estimate ?? lookAhead.assumedColdStart
        let source = state.coldStart.estimate == nil ? "assumed" : "measured"
        var rate = rateNow.perSecond
        var rising = ""
        let points = state.arrivalRates.map { (x: $0.at.timeIntervalSince(now), y: $0.perSecond) }
        if let trend = Trend(points), trend.slope > 0, trend.fit >= Trend.steadyFit, trend.value(at: coldStart) > rate {
            rate = trend.value(at: coldStart)
            rising = ", rising to \(format(rate))/s one cold start ahead"
        }
        let perWorker = Double(policy.maxConcurrentPerWorker) / serviceTime
        let perWorkerAtTarget = policy.type == .concurrency
            ? min(policy.value, Double(policy.maxConcurrentPerWorker)) / serviceTime
            : perWorker * lookAhead.utilization
        let forArrivals = LoadRecommendation.ceilDiv(rate, perWorkerAtTarget)

        var served = Double(sample.readyWorkers ?? current) * perWorker * coldStart
        for start in state.coldStart.pending {
            served += Double(start.workers) * perWorker * min(coldStart, max(0, now.timeIntervalSince(start.askedAt)))
        }
        let backlog = max(0, Double(sample.queued ?? 0) + rateNow.perSecond * coldStart - served)
        let forBacklog = LoadRecommendation.ceilDiv(backlog, perWorker * coldStart)
        var needed = max(current, forArrivals + forBacklog)
        // Asking for less than the queue does is only right for a backlog that workers already
        // starting, or the ready ones within a cold start, will clear.
        if needed < pipeline.value, state.coldStart.startingWorkers == 0, forBacklog > 0 {
            needed = pipeline.value
        }
        guard needed != pipeline.value else { return nil }
        let backlogText = forBacklog > 0 ? " + \(forBacklog) to drain the \(Int(backlog.rounded())) requests still queued then" : ""
        pipeline.apply(.lookAhead, needed, "arrivals \(format(rateNow.perSecond))/s\(rising), service time \(format(serviceTime))s: one cold start (\(Seconds(coldStart)), \(source)) ahead \(forArrivals) worker(s) for the arrivals\(backlogText)")
        return forArrivals
    }

    /// Until a service time is learned, a rising recommendation is followed one cold start
    /// (measured, else assumed) along its trend, as long as no worker is starting.
    static func applyTrend(
        _ pipeline: inout ClampPipeline, history: [TimedRecommendation], coldStart: ColdStartTracker,
        lookAhead: LookAheadPolicy, now: Date
    ) {
        let horizon = now.addingTimeInterval(-lookAhead.window)
        let points = history.filter { $0.at >= horizon }.map { (x: $0.at.timeIntervalSince(now), y: Double($0.replicas)) }
        // Half a window at least, so that two noisy ticks are not a trend.
        guard let oldest = points.first, -oldest.x >= lookAhead.window / 2,
              let trend = Trend(points), trend.slope > 0, trend.fit >= Trend.steadyFit else { return }
        let seconds = coldStart.estimate ?? lookAhead.assumedColdStart
        let ahead = Int(trend.value(at: seconds).rounded())
        guard ahead > pipeline.value else { return }
        let source = coldStart.estimate == nil ? "assumed" : "measured"
        pipeline.apply(.lookAhead, ahead, "recommendations rising \(format(trend.slope * 60)) replicas/min over \(Seconds(lookAhead.window)): one cold start (\(Seconds(seconds)), \(source)) ahead it needs \(ahead)")
    }

    private static func format(_ value: Double) -> String {
        LoadRecommendation.format((value * 10).rounded() / 10)
    }
}
