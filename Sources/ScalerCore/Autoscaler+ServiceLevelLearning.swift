import Foundation

extension Autoscaler {
    /// Reads one fresh sample's load the way the headroom needs it, teaches it to `learned`, and
    /// takes the feedback's step if the evidence calls for one. `state` is the state before this
    /// sample, `next` after the service time has learned from it.
    static func learnLoad(
        _ learned: inout ServiceLevelState, sample: MetricSample, state: ScalerState, next: ScalerState,
        slo: ServiceLevelObjective, coldStart: Double, now: Date
    ) -> ServiceLevelStep? {
        // A source that reports neither count teaches nothing about load: the headroom keeps
        // what it learned before.
        guard let counted = QueueModel.requests(sample) else { return nil }
        let before = learned.serviceTime(trusted: state.serviceTime)
        if next.serviceTime == nil, let previous = state.lastSample,
           let rough = QueueModel.serviceTime(previous: previous, sample: sample) {
            learned.backlogServiceTimes = Array((learned.backlogServiceTimes + [rough]).suffix(QueueModel.remembered))
        }
        let serviceTime = learned.serviceTime(trusted: next.serviceTime)
        // Rises counted before any service time was read count a cold queue's whole backlog:
        // the history starts over from the first reading.
        if before == nil, serviceTime != nil { learned.rises.removeAll() }
        if let before, let serviceTime, before != serviceTime { learned.rescale(by: serviceTime / before) }
        if next.serviceTime != nil { learned.backlogServiceTimes.removeAll() }
        let unconstrained = QueueModel.unconstrainedLoad(sample, serviceTime: serviceTime)
        let flow = QueueModel.flowLoad(previous: state.lastSample, sample: sample, serviceTime: serviceTime)
        let load = min(unconstrained, flow ?? unconstrained)
        learned.learn(
            load: load, modelled: load < counted, provisional: next.serviceTimes.count < ServiceLevelState.settledServiceTime,
            warm: sample.readyWorkers != 0 && (sample.queueDelay ?? 0) <= slo.wait,
            queueDelay: sample.queueDelay, slo: slo, coldStart: coldStart, now: now
        )
        return learned.step(slo, now: now)
    }
}
