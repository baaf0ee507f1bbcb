import Foundation

/// Decides whether an observation's metrics may drive a decision at all.
struct MetricAssessment {
    enum Verdict {
        case usable(MetricSample)
        case unusable(String)
    }

    let verdict: Verdict
    let status: MetricStatus
    let age: Double?

    init(observation: Observation, policy: ScalingPolicy, now: Date) {
        guard let sample = observation.sample else {
            if case .failure(_, let why) = observation.metrics {
                (verdict, status, age) = (.unusable(why), .missing, nil)
            } else {
                (verdict, status, age) = (.unusable("no sample"), .missing, nil)
            }
            return
        }
        let rawAge = now.timeIntervalSince(sample.takenAt)
        age = max(rawAge, 0)
        if rawAge < -policy.maxMetricAge {
            (verdict, status) = (.unusable("sample is \(Seconds(-rawAge)) in the future"), .invalid)
        } else if rawAge > policy.maxMetricAge {
            (verdict, status) = (.unusable("sample is \(Seconds(rawAge)) old, max age \(Seconds(policy.maxMetricAge))"), .stale)
        } else if let problem = Self.problem(in: sample, for: policy) {
            (verdict, status) = (.unusable(problem.detail), problem.status)
        } else {
            (verdict, status) = (.usable(sample), .fresh)
        }
    }

    private static func problem(in sample: MetricSample, for policy: ScalingPolicy) -> (status: MetricStatus, detail: String)? {
        if let delay = sample.queueDelay, !delay.isFinite || delay < 0 {
            return (.invalid, "queue delay \(delay) is not a non-negative number")
        }
        if let delay = sample.queueDelay, delay > MetricSample.longestDelay {
            return (.invalid, "queue delay \(delay) s is longer than any real wait")
        }
        for (name, count) in [("queued", sample.queued), ("in-flight", sample.inFlight), ("ready workers", sample.readyWorkers)] {
            if let count, count < 0 { return (.invalid, "\(name) \(count) is negative") }
            if let count, count > MetricSample.largestCount { return (.invalid, "\(name) \(count) is past any real count") }
        }
        switch policy.type {
        case .queue where sample.queueDelay == nil:
            return (.missing, "queue policy needs queue delay")
        case .concurrency where sample.inFlight == nil && sample.queued == nil:
            return (.missing, "concurrency policy needs in-flight or queued requests")
        default:
            return nil
        }
    }
}

/// Whether a sample proves that nothing is queued or running. Unknown never counts as zero.
struct IdleEvidence {
    let provesIdle: Bool
    /// Why idleness is not proven, for the decision's reason.
    let gap: String

    init(sample: MetricSample) {
        let nothingQueued = sample.queued.map { $0 == 0 } ?? sample.queueDelay.map { $0 == 0 }
        let nothingRunning = sample.inFlight.map { $0 == 0 }
        switch (nothingQueued, nothingRunning) {
        case (true?, true?): (provesIdle, gap) = (true, "")
        case (nil, _): (provesIdle, gap) = (false, "queue length unknown")
        case (_, nil): (provesIdle, gap) = (false, "in-flight requests unknown")
        default: (provesIdle, gap) = (false, "requests are queued or running")
        }
    }
}
