/// One bucket of a run's timeline, for the report's charts.
public struct TimelinePoint: Sendable, Hashable, Codable {
    public var start: Double
    public var arrivals: Int
    /// Most workers asked for during the bucket.
    public var replicas: Int
    /// Most workers ready during the bucket.
    public var ready: Int
    /// Longest wait of a request that arrived in the bucket.
    public var maxWait: Double
}

/// Buckets a run into at most about 500 points, however long the trace.
struct TimelineRecorder {
    let width: Double
    private(set) var points: [TimelinePoint] = []
    private var lastReplicas = 0
    private var lastReady = 0

    init(span: Double) {
        width = max(1, (span / 480).rounded(.up))
    }

    private mutating func bucket(at time: Double) -> Int {
        let index = max(0, Int(time / width))
        while points.count <= index {
            // A bucket with no change inherits the counts in force when it began.
            points.append(TimelinePoint(start: Double(points.count) * width, arrivals: 0, replicas: lastReplicas, ready: lastReady, maxWait: 0))
        }
        return index
    }

    mutating func noteArrival(at time: Double) {
        points[bucket(at: time)].arrivals += 1
    }

    mutating func noteReplicas(at time: Double, replicas: Int, ready: Int) {
        let index = bucket(at: time)
        lastReplicas = replicas
        lastReady = ready
        points[index].replicas = max(points[index].replicas, replicas)
        points[index].ready = max(points[index].ready, ready)
    }

    mutating func noteWaits(arrivals: [Double], waits: [Float]) {
        for (arrival, wait) in zip(arrivals, waits) {
            let index = bucket(at: arrival)
            points[index].maxWait = max(points[index].maxWait, Double(wait))
        }
    }
}
