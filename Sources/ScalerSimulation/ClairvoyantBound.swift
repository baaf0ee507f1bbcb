/// The cheapest any autoscaler could serve the trace with no request waiting, cold starts
/// included: a controller that knows every arrival starts each worker one cold start before it is
/// needed, and keeps an idle worker through a gap only when the gap is shorter than a cold start
/// (ski rental with perfect foresight: a restart costs a billed cold start).
///
/// Worker level k is needed while the no-queue demand n(t) = ceil(busy(t) / per-worker
/// concurrency) is at least k. For each level above the floor it costs the time it is needed, plus
/// min(gap, cold start) for each gap between its busy stretches, plus one cold start for its first
/// start. Levels at or below `minReplicas` are always on, warm from the start, as every simulated
/// policy's floor is. A uniform cold start counts at its low end, so the bound stays a bound.
public struct ClairvoyantBound: Sendable, Hashable, Codable {
    public var workerSeconds: Double
    /// The floor the bound was computed for: levels at or below it are always on.
    public var minReplicas: Int
    /// The cold start it charged per start.
    public var coldStart: Double

    public init(trace: Trace, model: WorkerModel, minReplicas: Int) {
        let floor = max(0, minReplicas)
        let coldStart = model.coldStart.lowest
        self.minReplicas = floor
        self.coldStart = coldStart
        let demand = DemandLevels(trace: trace, model: model)
        var total = Double(floor) * demand.end
        var busySince: [Double] = []
        var idleSince: [Double?] = []
        for change in demand.changes {
            while busySince.count < change.level { busySince.append(0); idleSince.append(nil) }
            let index = change.level - 1
            guard change.level > floor else { continue }
            if change.busy {
                busySince[index] = change.time
                total += idleSince[index].map { min(change.time - $0, coldStart) } ?? coldStart
            } else {
                total += change.time - busySince[index]
                idleSince[index] = change.time
            }
        }
        workerSeconds = total
    }
}

/// The no-queue demand of a trace as per-level switches: level k turns busy when n(t) rises to k
/// and idle when it falls below k.
struct DemandLevels {
    struct Change {
        var time: Double
        var level: Int
        var busy: Bool
    }

    private(set) var changes: [Change] = []
    /// When the last request's service ends.
    private(set) var end = 0.0

    init(trace: Trace, model: WorkerModel) {
        var edges: [(time: Double, delta: Int)] = []
        edges.reserveCapacity(trace.requests.count * 2)
        for request in trace.requests {
            edges.append((request.arrival, 1))
            edges.append((request.arrival + model.serviceTime(of: request), -1))
        }
        // Ends before starts at the same instant: a slot freed is a slot reused.
        edges.sort { $0.time != $1.time ? $0.time < $1.time : $0.delta < $1.delta }
        let perWorker = model.concurrency
        var busy = 0, level = 0
        for edge in edges {
            busy += edge.delta
            let needed = (busy + perWorker - 1) / perWorker
            while level < needed { level += 1; changes.append(Change(time: edge.time, level: level, busy: true)) }
            while level > needed { changes.append(Change(time: edge.time, level: level, busy: false)); level -= 1 }
            end = max(end, edge.time)
        }
    }
}
