/// The oracle: workers switched on exactly while requests are in service, each request served the
/// moment it arrives, no cold start. No autoscaler can serve the trace with zero queueing for less.
public struct LowerBound: Sendable, Hashable, Codable {
    /// ∫ ceil(busy(t) / per-worker concurrency) dt.
    public var workerSeconds: Double
    /// The most workers the oracle needs at once: static provisioning's size.
    public var peakWorkers: Int

    public init(trace: Trace, model: WorkerModel) {
        // The integral of n(t) is the sum, over worker levels, of the time each level is needed.
        var busySince: [Double] = []
        var total = 0.0
        for change in DemandLevels(trace: trace, model: model).changes {
            if change.busy {
                if busySince.count < change.level { busySince.append(change.time) } else { busySince[change.level - 1] = change.time }
            } else {
                total += change.time - busySince[change.level - 1]
            }
        }
        workerSeconds = total
        peakWorkers = busySince.count
    }
}
