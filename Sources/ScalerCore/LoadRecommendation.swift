import Foundation

/// Replicas the current load asks for under the policy, before any clamp.
struct LoadRecommendation {
    let replicas: Int
    let explanation: String

    /// Past this, a recommendation is arithmetic noise, not a replica count.
    private static let ceiling = 1_000_000

    init(sample: MetricSample, policy: ScalingPolicy, current: Int) {
        let queued = sample.queued ?? 0
        let inFlight = sample.inFlight ?? 0
        switch policy.type {
        case .concurrency:
            let load = queued + inFlight
            replicas = Self.ceilDiv(Double(load), policy.value)
            explanation = "\(load) concurrent requests (\(inFlight) in flight, \(queued) queued) at \(Self.format(policy.value)) per worker need \(replicas)"
        case .queue:
            (replicas, explanation) = Self.forQueueDelay(sample: sample, policy: policy, current: current)
        }
    }

    private static func forQueueDelay(sample: MetricSample, policy: ScalingPolicy, current: Int) -> (Int, String) {
        let delay = sample.queueDelay ?? 0
        let target = policy.value
        let perWorker = Double(policy.maxConcurrentPerWorker)
        let busy = ceilDiv(Double(sample.inFlight ?? 0), perWorker)
        // Enough workers to take every waiting request at once: more can never lower the delay.
        let servesAll = sample.queued.map { busy + ceilDiv(Double($0), perWorker) }
        let ready = sample.readyWorkers ?? current
        let estimated = sample.queueDelayEstimated ? " (estimated)" : ""
        let delayText = "queue delay \(format(delay))s\(estimated)"
        var replicas: Int
        var explanation: String

        if delay > target {
            // Waiting time falls roughly in proportion to the workers serving the queue. With none
            // ready yet (all cold), the workers already asked for stand in for them.
            let serving = ready > 0 ? ready : max(current, 1)
            let proportional = ceilDiv(Double(serving) * delay, target)
            replicas = max(min(proportional, servesAll ?? proportional), busy, current)
            explanation = "\(delayText) over target \(format(target))s with \(ready) ready worker(s) needs \(replicas)"
        } else if (sample.queued ?? 0) == 0 && delay == 0 {
            replicas = busy
            explanation = "\(delayText), \(sample.inFlight ?? 0) in flight need \(busy)"
        } else {
            replicas = max(busy, min(ready, servesAll ?? ready))
            explanation = "\(delayText) within target \(format(target))s keeps \(replicas)"
        }
        if replicas == 0 && ((sample.queued ?? 0) > 0 || (sample.inFlight ?? 0) > 0 || delay > 0) {
            replicas = 1
            explanation += ", at least one worker while requests wait"
        }
        return (replicas, explanation)
    }

    static func ceilDiv(_ numerator: Double, _ denominator: Double) -> Int {
        guard denominator > 0, numerator > 0 else { return 0 }
        let quotient = (numerator / denominator).rounded(.up)
        return quotient >= Double(ceiling) ? ceiling : Int(quotient)
    }

    static func format(_ value: Double) -> String { CompactNumber.text(value) }
}
