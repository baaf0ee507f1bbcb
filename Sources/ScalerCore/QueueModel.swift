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
        guard sample.inFlight != nil || sample.queued != nil, serviceTime > 0 else { return nil }
        return Double((sample.inFlight ?? 0) + (sample.queued ?? 0)) / serviceTime
    }

    /// One request's service time, seen between two samples in which the same ready workers were
    /// busy with a queue waiting: they finished arrivals plus what the queue shrank by.
    static func serviceTime(previous: MetricSample, sample: MetricSample) -> Double? {
        let elapsed = sample.takenAt.timeIntervalSince(previous.takenAt)
        guard elapsed > 0, let ready = sample.readyWorkers, ready > 0, previous.readyWorkers == ready,
              let before = previous.queued, before > 0, let queued = sample.queued, queued > 0,
              let delay = sample.queueDelay, delay > 0, let busy = sample.inFlight, busy > 0 else { return nil }
        let throughput = fifoRate(queued: queued, delay: delay) + Double(before - queued) / elapsed
        guard throughput > 0 else { return nil }
        return Double(busy) / throughput
    }

    /// The requests the endpoint would hold with no shortage of workers: the arrival rate (read
    /// from a queue long enough to time it) times one service time. A queue that outgrew its
    /// workers holds the arrivals of its whole age on top of a saturated fleet's in-flight ones:
    /// counting them all would take a cold start's backlog for load. Without a service time or
    /// such a queue, all are counted.
    static func unconstrainedLoad(_ sample: MetricSample, serviceTime: Double?) -> Double {
        let all = Double((sample.inFlight ?? 0) + (sample.queued ?? 0))
        guard let serviceTime, serviceTime > 0, let queued = sample.queued, queued >= countedQueue,
              let delay = sample.queueDelay, delay > 0 else { return all }
        return min(all, fifoRate(queued: queued, delay: delay) * serviceTime)
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
