import Foundation

/// Synthetic bursty traffic: a two-state Markov-modulated Poisson process. Idle stretches of
/// exponentially distributed length alternate with dense bursts, each burst at its own rate, the
/// shape real inference traffic often has and smooth traces lack.
public struct BurstyTraceGenerator: Sendable, Hashable {
    public var duration: Double
    public var seed: UInt64
    /// Mean seconds between bursts.
    public var meanIdle: Double
    /// Mean seconds a burst lasts.
    public var meanBurst: Double
    /// Mean requests per second inside a burst; each burst draws its own rate around it.
    public var burstRate: Double
    /// Requests per second between bursts (a trickle; 0 for silence).
    public var idleRate: Double
    public var meanPromptTokens: Double
    public var meanOutputTokens: Double

    public init(
        duration: Double, seed: UInt64 = 1, meanIdle: Double = 300, meanBurst: Double = 90,
        burstRate: Double = 12, idleRate: Double = 0.02, meanPromptTokens: Double = 1_000, meanOutputTokens: Double = 200
    ) {
        self.duration = duration
        self.seed = seed
        self.meanIdle = meanIdle
        self.meanBurst = meanBurst
        self.burstRate = burstRate
        self.idleRate = idleRate
        self.meanPromptTokens = meanPromptTokens
        self.meanOutputTokens = meanOutputTokens
    }

    public func generate() -> Trace {
        var random = SplitMix64(seed: seed)
        var requests: [TraceRequest] = []
        var time = 0.0
        var bursting = false
        while time < duration {
            let length = random.exponential(mean: bursting ? meanBurst : meanIdle)
            let end = min(duration, time + length)
            let rate = bursting ? burstRate * (0.5 + random.unit()) : idleRate
            var arrival = time
            while rate > 0 {
                arrival += random.exponential(mean: 1 / rate)
                guard arrival < end else { break }
                requests.append(TraceRequest(
                    arrival: arrival,
                    promptTokens: Int(random.exponential(mean: meanPromptTokens).rounded()) + 1,
                    outputTokens: Int(random.exponential(mean: meanOutputTokens).rounded()) + 1
                ))
            }
            time = end
            bursting.toggle()
        }
        return Trace(generatedNamed: "bursty(seed \(seed), \(Int(duration))s)", requests: requests)
    }
}

extension SplitMix64 {
    /// Exponentially distributed with the given mean.
    mutating func exponential(mean: Double) -> Double {
        -log(1 - unit()) * mean
    }
}
