import ScalerCore

/// Everything `scalerd simulate` found: the trace, the worker model, the oracle, and each policy.
public struct SimulationReport: Sendable, Codable {
    public var trace: String
    public var requests: Int
    /// Seconds from the first to the last arrival.
    public var traceSpan: Double
    public var workerModel: String
    public var delayTarget: Double
    public var seed: UInt64
    public var lowerBound: LowerBound
    public var clairvoyant: ClairvoyantBound
    public var policies: [PolicyResult]
    /// Each scalerd policy against each baseline that ran.
    public var verdicts: [Verdict]

    public init(simulator: Simulator, bounds: SimulationBounds, policies: [PolicyResult], baselines: Set<String> = []) {
        trace = simulator.trace.name
        requests = simulator.trace.requests.count
        traceSpan = simulator.trace.span
        let model = simulator.model
        var description = "cold start \(model.coldStart), \(model.concurrency) concurrent per worker, prefill \(CompactNumber.text(model.prefillTokensPerSecond)) tok/s, decode \(CompactNumber.text(model.decodeTokensPerSecond)) tok/s, provider idle timeout \(CompactNumber.text(model.providerIdleTimeout))s"
        if let price = model.pricePerWorkerHour { description += ", $\(CompactNumber.text(price))/worker-hour" }
        workerModel = description
        delayTarget = simulator.delayTarget
        seed = simulator.seed
        lowerBound = bounds.oracle
        clairvoyant = bounds.clairvoyant
        self.policies = policies
        let ours = policies.filter { !baselines.contains($0.name) }
        let theirs = policies.filter { baselines.contains($0.name) }
        verdicts = ours.flatMap { scalerd in theirs.map { Verdict(scalerd, against: $0) } }
    }
}
