/// A repeating demo load: idle, a rise, a burst at the peak, a fall, then a long idle stretch
/// so that scale-to-zero is visible.
public struct LoadCycle: Sendable, Hashable {
    public var period: Double
    public var peakRPS: Double

    public init(period: Double, peakRPS: Double) {
        self.period = period
        self.peakRPS = peakRPS
    }

    /// Phase boundaries as fractions of the period.
    private static let riseStart = 0.10, burstStart = 0.30, fallStart = 0.45, idleStart = 0.65

    /// Requests per second `elapsed` seconds after the cycle began.
    public func rate(at elapsed: Double) -> Double {
        guard period > 0 else { return 0 }
        let phase = (elapsed.truncatingRemainder(dividingBy: period) + period).truncatingRemainder(dividingBy: period) / period
        switch phase {
        case ..<Self.riseStart:
            return 0
        case ..<Self.burstStart:
            return peakRPS * 0.5 * (phase - Self.riseStart) / (Self.burstStart - Self.riseStart)
        case ..<Self.fallStart:
            return peakRPS
        case ..<Self.idleStart:
            return peakRPS * 0.4 * (Self.idleStart - phase) / (Self.idleStart - Self.fallStart)
        default:
            return 0
        }
    }
}
