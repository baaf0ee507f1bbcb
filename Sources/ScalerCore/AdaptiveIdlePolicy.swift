import Foundation

/// The "Serverless in the Wild" hybrid keep-alive, for one endpoint: learn how long its idle gaps
/// last, keep the last worker through the gaps that usually end soon and release it early when
/// they usually do not, always within `minimum...maximum`.
public struct AdaptiveIdlePolicy: Sendable, Hashable, Codable {
    public var minimum: TimeInterval
    public var maximum: TimeInterval
    /// The share of past gaps a warm worker should outlast.
    public var coverage: Double

    /// Gaps needed before the learned timeout replaces `idle_timeout`.
    public static let gapsNeeded = 5
    /// Gaps remembered: enough for a percentile, few enough to follow a change of habit.
    public static let gapsRemembered = 32

    public init(minimum: TimeInterval = 30, maximum: TimeInterval = 900, coverage: Double = 0.9) {
        self.minimum = minimum
        self.maximum = maximum
        self.coverage = coverage
    }

    /// The idle timeout the gaps seen so far call for, and why; `nil` until enough gaps are seen.
    func timeout(gaps: [Double]) -> (seconds: TimeInterval, why: String)? {
        guard gaps.count >= Self.gapsNeeded else { return nil }
        let sorted = gaps.sorted()
        let index = min(sorted.count - 1, Int((coverage * Double(sorted.count)).rounded(.up)) - 1)
        let covering = sorted[max(0, index)]
        let share = "\(Int((coverage * 100).rounded()))% of the last \(gaps.count) idle gaps"
        if covering <= maximum {
            let seconds = max(minimum, covering)
            return (seconds, "adaptive idle timeout \(Seconds(seconds)): \(share) ended within \(Seconds(covering))")
        }
        // Waiting up to the maximum would still miss most returns: the wait only costs money.
        return (minimum, "adaptive idle timeout \(Seconds(minimum)): fewer than \(share) ended within the maximum \(Seconds(maximum))")
    }
}
