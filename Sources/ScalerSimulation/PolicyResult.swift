/// What one strategy cost and how well it served, on one trace and worker model.
public struct PolicyResult: Sendable, Hashable, Codable {
    public var name: String
    public var summary: String
    public var workerSeconds: Double
    /// Dollars, when the worker model has a price.
    public var cost: Double?
    public var coldStarts: Int
    /// Times the strategy changed the replica count it asked for.
    public var scaleEvents: Int
    public var peakReplicas: Int
    public var requests: Int
    /// Requests still waiting when the run had to stop (no worker ever came).
    public var unserved: Int
    public var waitP50: Double
    public var waitP95: Double
    public var waitP99: Double
    public var waitMax: Double
    public var meanWait: Double
    /// Share of requests that waited longer than the report's delay target.
    public var overTarget: Double
    /// Worker-seconds over the oracle's lower bound; 1 is perfect.
    public var lowerBoundRatio: Double
    /// Worker-seconds over the clairvoyant controller's, which pays for cold starts: `x OPT`.
    public var clairvoyantRatio: Double
    /// Seconds from the first arrival until the last request was served.
    public var duration: Double
    public var timeline: [TimelinePoint]
}

/// Nearest-rank percentiles of a sorted sample.
enum Percentile {
    static func of(_ sorted: [Float], _ fraction: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
        return Double(sorted[min(max(rank, 0), sorted.count - 1)])
    }
}
