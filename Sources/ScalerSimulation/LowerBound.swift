/// The oracle: workers switched on exactly while requests are in service, each request served the
/// moment it arrives, no cold start. No autoscaler can serve the trace with zero queueing for less.
public struct LowerBound: Sendable, Hashable, Codable {
    /// ∫ ceil(busy(t) / per-worker concurrency) dt.
    public var workerSeconds: Double
    /// The most workers the oracle needs at once: static provisioning's size.
    public var peakWorkers: Int

    public init(trace: Trace, model: WorkerModel) {
        var changes: [(time: Double, delta: Int)] = []
        changes.reserveCapacity(trace.requests.count * 2)
        for request in trace.requests {
            changes.append((request.arrival, 1))
            changes.append((request.arrival + model.serviceTime(of: request), -1))
        }
        // Ends before starts at the same instant: a slot freed is a slot reused.
        changes.sort { $0.time != $1.time ? $0.time < $1.time : $0.delta < $1.delta }
        var busy = 0, peak = 0
        var total = 0.0
        var last = changes.first?.time ?? 0
        let perWorker = model.concurrency
        for change in changes {
            total += Double((busy + perWorker - 1) / perWorker) * (change.time - last)
            last = change.time
            busy += change.delta
            peak = max(peak, (busy + perWorker - 1) / perWorker)
        }
        workerSeconds = total
        peakWorkers = peak
    }
}
