/// How long a worker takes from being requested to serving.
public enum ColdStart: Sendable, Hashable, CustomStringConvertible {
    case fixed(Double)
    /// Uniform between the two bounds, drawn per worker from the run's seed.
    case uniform(Double, Double)

    func sample(_ random: inout SplitMix64) -> Double {
        switch self {
        case .fixed(let seconds): return seconds
        case .uniform(let low, let high): return low + (high - low) * random.unit()
        }
    }

    /// The shortest it can take: what a lower bound may assume.
    public var lowest: Double {
        switch self {
        case .fixed(let seconds): return seconds
        case .uniform(let low, _): return low
        }
    }

    public var description: String {
        switch self {
        case .fixed(let seconds): return "\(Self.format(seconds))s"
        case .uniform(let low, let high): return "\(Self.format(low))-\(Self.format(high))s"
        }
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && value.magnitude < 1e15 ? String(Int(value)) : String(value)
    }
}

/// The simulated GPU worker: how fast it starts, how much it serves at once, how long a request
/// takes, and what it costs.
public struct WorkerModel: Sendable, Hashable {
    public var coldStart: ColdStart
    /// Requests one worker serves at once (continuous batching counts each slot).
    public var concurrency: Int
    public var prefillTokensPerSecond: Double
    public var decodeTokensPerSecond: Double
    /// Service seconds for a request that has neither tokens nor a recorded service time.
    public var defaultServiceTime: Double
    /// Seconds an idle worker lives under the provider's own autoscaler (RunPod's default is 5).
    public var providerIdleTimeout: Double
    public var pricePerWorkerHour: Double?

    public init(
        coldStart: ColdStart = .fixed(30), concurrency: Int = 1, prefillTokensPerSecond: Double = 5_000,
        decodeTokensPerSecond: Double = 50, defaultServiceTime: Double = 2, providerIdleTimeout: Double = 5,
        pricePerWorkerHour: Double? = nil
    ) {
        self.coldStart = coldStart
        self.concurrency = max(1, concurrency)
        self.prefillTokensPerSecond = prefillTokensPerSecond
        self.decodeTokensPerSecond = decodeTokensPerSecond
        self.defaultServiceTime = defaultServiceTime
        self.providerIdleTimeout = providerIdleTimeout
        self.pricePerWorkerHour = pricePerWorkerHour
    }

    /// A recorded service time wins; otherwise prefill plus decode at the model's token rates.
    public func serviceTime(of request: TraceRequest) -> Double {
        if let recorded = request.serviceTime { return recorded }
        guard request.promptTokens != nil || request.outputTokens != nil else { return defaultServiceTime }
        let prefill = Double(request.promptTokens ?? 0) / prefillTokensPerSecond
        let decode = Double(request.outputTokens ?? 0) / decodeTokensPerSecond
        return max(0.001, prefill + decode)
    }
}
