import Foundation

/// A synthetic day: a 24-hour rate curve (quiet at 04:00, busiest at 16:00), multiplicative noise
/// that changes every five minutes, and short bursts on top at random moments. Built for
/// reporting on traffic no setting was chosen on.
public struct DiurnalTraceGenerator: Sendable, Hashable {
    public var duration: Double
    public var seed: UInt64
    /// Mean requests per second at the busiest hour, before noise and bursts.
    public var peakRate: Double
    /// The quietest hour's rate as a share of the peak's.
    public var troughShare: Double
    /// Mean bursts per hour; each lasts 30-120 s at 6-18 requests per second on top of the curve.
    public var burstsPerHour: Double
    public var meanPromptTokens: Double
    public var meanOutputTokens: Double

    public init(
        duration: Double = 86_400, seed: UInt64 = 1, peakRate: Double = 4, troughShare: Double = 0.15, burstsPerHour: Double = 0.5,
        meanPromptTokens: Double = 1_000, meanOutputTokens: Double = 200
    ) {
        self.duration = duration
        self.seed = seed
        self.peakRate = peakRate
        self.troughShare = troughShare
        self.burstsPerHour = burstsPerHour
        self.meanPromptTokens = meanPromptTokens
        self.meanOutputTokens = meanOutputTokens
    }

    /// The curve's rate at `time` seconds after midnight, before noise and bursts.
    public func curve(at time: Double) -> Double {
        let phase = (time - 4 * 3_600) / 86_400 * 2 * Double.pi
        return peakRate * (troughShare + (1 - troughShare) * (0.5 - 0.5 * cos(phase)))
    }

    public func generate() -> Trace {
        var random = SplitMix64(seed: seed)
        var bursts: [(start: Double, end: Double, rate: Double)] = []
        var next = random.exponential(mean: 3_600 / max(burstsPerHour, 1e-9))
        while burstsPerHour > 0, next < duration {
            bursts.append((next, next + 30 + 90 * random.unit(), 6 + 12 * random.unit()))
            next += random.exponential(mean: 3_600 / burstsPerHour)
        }
        var requests: [TraceRequest] = []
        var noise = 1.0
        var burst = 0
        for second in 0..<Int(duration.rounded(.up)) {
            let time = Double(second)
            if second % 300 == 0 { noise = exp(0.6 * (random.unit() - 0.5)) }
            while burst < bursts.count, bursts[burst].end <= time { burst += 1 }
            let extra = burst < bursts.count && bursts[burst].start <= time ? bursts[burst].rate : 0
            let count = random.poisson(mean: curve(at: time) * noise + extra)
            let offsets = (0..<count).map { _ in random.unit() }.sorted()
            for offset in offsets {
                requests.append(TraceRequest(
                    arrival: time + offset,
                    promptTokens: Int(random.exponential(mean: meanPromptTokens).rounded()) + 1,
                    outputTokens: Int(random.exponential(mean: meanOutputTokens).rounded()) + 1
                ))
            }
        }
        return Trace(generatedNamed: "diurnal(seed \(seed), \(Int(duration))s)", requests: requests)
    }
}
