import Foundation

/// What the queue's samples tell about the endpoint's requests, assuming a first-in, first-out
/// queue whose delay is the oldest waiting request's wait.
enum QueueModel {
    /// Requests per second arriving now. A FIFO queue holds exactly the requests of the last
    /// `delay` seconds; a short queue says too little, so then the requests in the system over
    /// the service time (Little's law).
    static func arrivalRate(_ sample: MetricSample, serviceTime: Double) -> Double? {
        if let queued = sample.queued, queued >= countedQueue, let delay = sample.queueDelay, delay > 0 {
            return fifoRate(queued: queued, delay: delay)
        }
        guard let requests = requests(sample), serviceTime > 0 else { return nil }
        return requests / serviceTime
    }

    /// One request's service time, seen between two samples in which the same ready workers were
    /// busy with a queue waiting: they finished arrivals plus what the queue shrank by. The
    /// arrivals are read off the queue, so it must be long enough to time them: one or two
    /// requests queued for a moment gave service times of minutes.
    ///
    /// The look-ahead takes every such reading: it sizes one scale-up from it and reads again
    /// within seconds. The SLO policy keeps a headroom learned through it for hours, so it takes
    /// only `trusted` ones (see `isTrusted`).
    static func serviceTime(previous: MetricSample, sample: MetricSample, trusted: Bool = false) -> Double? {
        let elapsed = sample.takenAt.timeIntervalSince(previous.takenAt)
        guard elapsed > 0, let ready = sample.readyWorkers, ready > 0, previous.readyWorkers == ready,
              let before = previous.queued, before > 0, let queued = sample.queued, queued >= countedQueue,
              let delay = sample.queueDelay, delay > 0, let busy = sample.inFlight, busy > 0 else { return nil }
        let arrivals = fifoRate(queued: queued, delay: delay)
        let throughput = arrivals + Double(before - queued) / elapsed
        guard throughput > 0 else { return nil }
        if trusted, !isTrusted(throughput: throughput, arrivals: arrivals, previous: previous, delay: delay, elapsed: elapsed) {
            return nil
        }
        return Double(busy) / throughput
    }

    /// A throughput read off two counts is trusted when it is no small part of the arrivals and a
    /// second reading agrees with it.
    /// - What the workers finished is the difference of two counts. When it is a small part of
    ///   what arrives (one worker under a burst), it is mostly the counts' error: one request's
    ///   service time read 13 s instead of 4. Below `trustedShare` of the arrivals it is refused.
    /// - The queue's length over its age averages the arrivals over that age: as a burst ends it
    ///   reads the burst as still arriving, and one worker's 4 s as 1 s. The head's advance says
    ///   what left the queue without it: in FIFO order the head moved from what arrived
    ///   `previous.queueDelay` before the first sample to what arrived `delay` before the
    ///   second, and what arrived in between, spread evenly over the first queue, left it. The
    ///   two must agree within `trustedAgreement`.
    private static func isTrusted(throughput: Double, arrivals: Double, previous: MetricSample, delay: Double, elapsed: Double) -> Bool {
        guard throughput >= arrivals * trustedShare, let before = previous.queued,
              let delayBefore = previous.queueDelay, delayBefore > 0 else { return false }
        let left = min(max((delayBefore + elapsed - delay) / delayBefore, 0), 1)
        let headThroughput = Double(before) * left / elapsed
        guard headThroughput > 0 else { return false }
        return max(throughput, headThroughput) / min(throughput, headThroughput) <= trustedAgreement
    }

    /// The share of arrivals workers must have finished for a reading to be trusted.
    static let trustedShare = 0.5
    /// How far the two readings of throughput may differ for a reading to be trusted.
    static let trustedAgreement = 2.0

    /// The requests the endpoint would hold with no shortage of workers: the arrival rate (read
    /// from a queue long enough to time it) times one service time. A queue that outgrew its
    /// workers holds the arrivals of its whole age on top of a saturated fleet's in-flight ones:
    /// counting them all would take a cold start's backlog for load. Without a service time or
    /// such a queue, all are counted.
    static func unconstrainedLoad(_ sample: MetricSample, serviceTime: Double?) -> Double {
        let all = requests(sample) ?? 0
        guard let serviceTime, serviceTime > 0, let queued = sample.queued, queued >= countedQueue,
              let delay = sample.queueDelay, delay > 0 else { return all }
        return min(all, fifoRate(queued: queued, delay: delay) * serviceTime)
    }

    /// The requests the arrivals between two samples would keep in flight with no shortage of
    /// workers: what the endpoint gained plus what it finished (in flight over the service time),
    /// per second, times one service time. Unlike the count itself it does not take a drained
    /// backlog for load: workers that come up into a queue hold it in flight for a service time
    /// after the queue is gone, finishing it as fast as it shrinks. Only read while the count
    /// falls: a rising count is its own best reading, and the flow's noise would only blur it.
    /// `nil` without two samples with counts, apart in time, and a service time.
    static func flowLoad(previous: MetricSample?, sample: MetricSample, serviceTime: Double?) -> Double? {
        guard let previous, let serviceTime, serviceTime > 0 else { return nil }
        let elapsed = sample.takenAt.timeIntervalSince(previous.takenAt)
        guard elapsed > 0, let before = requests(previous), let now = requests(sample), now < before else { return nil }
        let finished = Double((previous.inFlight ?? 0) + (sample.inFlight ?? 0)) / 2 / serviceTime
        let arrivals = max(0, (now - before) / elapsed + finished)
        return arrivals * serviceTime
    }

    /// In flight + queued; `nil` when the source reports neither.
    static func requests(_ sample: MetricSample) -> Double? {
        guard sample.inFlight != nil || sample.queued != nil else { return nil }
        return Double((sample.inFlight ?? 0) + (sample.queued ?? 0))
    }

    /// Service times remembered: enough for a steady median, few enough to follow a change.
    static let remembered = 16

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        return values.sorted()[values.count / 2]
    }

    /// The oldest waiting request arrived `delay` ago; the others arrived since.
    private static func fifoRate(queued: Int, delay: Double) -> Double {
        Double(max(queued - 1, 0)) / delay
    }

    /// Fewest queued requests whose spread in time gives an arrival rate worth using.
    static let countedQueue = 10
}
